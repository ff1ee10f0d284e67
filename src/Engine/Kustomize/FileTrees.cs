using System.Text;

namespace Tide.Engine.Kustomize;

/// <summary>Path arithmetic and reads shared by everything that builds from an <see cref="IFileTree"/>.</summary>
public static class FileTrees
{
    /// <summary>An absolute path without "." or ".." segments, worked out from the text alone ("/.." is "/").</summary>
    public static string NormalizeLexically(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".")
                continue;
            if (part == "..")
            {
                if (parts.Count > 0)
                    parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    /// <summary><paramref name="name"/> (relative, or absolute and then taken as is) below a normalized directory.</summary>
    public static string Combine(string directory, string name) =>
        name.StartsWith('/') ? name : directory == "/" ? "/" + name : directory + "/" + name;

    /// <summary>The directory of a normalized path.</summary>
    public static string Parent(string path) => path.LastIndexOf('/') is > 0 and var i ? path[..i] : "/";

    /// <summary>A normalized path relative to a normalized directory that contains it.</summary>
    public static string Relative(string directory, string path) =>
        path == directory ? "." : path[(directory == "/" ? 1 : directory.Length + 1)..];

    /// <summary>Whether a normalized path is the directory or below it.</summary>
    public static bool IsWithin(string path, string directory) =>
        path == directory || path.StartsWith(directory == "/" ? "/" : directory + "/", StringComparison.Ordinal);

    /// <summary>A file's text as <see cref="File.ReadAllText(string)"/> decodes it (UTF-8 unless a byte order mark says otherwise).</summary>
    public static string ReadAllText(this IKustomizeFileSystem files, string path)
    {
        using var reader = new StreamReader(new MemoryStream(files.ReadAllBytes(path)), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>Every file below <paramref name="directory"/>, recursively (following symlinked directories, as
    /// Directory.EnumerateFiles does), in no particular order.</summary>
    public static IEnumerable<string> EnumerateFilesRecursively(this IFileTree files, string directory) =>
        files.EnumerateFiles(directory).Concat(files.EnumerateDirectories(directory).SelectMany(files.EnumerateFilesRecursively));
}
