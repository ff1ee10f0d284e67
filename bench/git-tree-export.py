"""Writes the files of a git directory's HEAD into a directory, skipping blobs the snapshot lacks.

Used by kustomize-wider-check.sh instead of `git archive`, which stops at the first missing blob (snapshots brought by
the fetch tool may lack their largest files).
usage: git-tree-export.py GIT_DIR TARGET_DIR
"""
import os
import subprocess
import sys

git_dir, tree = sys.argv[1], sys.argv[2]
listing = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", "HEAD"],
                         capture_output=True, check=True).stdout
blobs = []
for entry in filter(None, listing.split(b"\0")):
    meta, path = entry.split(b"\t", 1)
    mode, kind, sha = meta.split()
    if kind == b"blob":
        blobs.append((sha, path.decode(), mode == b"120000"))
cat = subprocess.Popen(["git", "--git-dir", git_dir, "cat-file", "--batch"],
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE)
for sha, path, is_link in blobs:
    cat.stdin.write(sha + b"\n")
    cat.stdin.flush()
    header = cat.stdout.readline().split()
    if header[1] == b"missing":
        continue
    data = cat.stdout.read(int(header[2]))
    cat.stdout.read(1)
    full = os.path.join(tree, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    if is_link:
        os.symlink(data.decode(), full)
        continue
    with open(full, "wb") as f:
        f.write(data)
cat.stdin.close()
cat.wait()
