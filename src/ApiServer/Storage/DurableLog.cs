using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tide.ApiServer.Serialization;

namespace Tide.ApiServer.Storage;

/// <summary>Persistence for --data: an append-only log of committed changes, fsynced before the write is acknowledged,
/// and a snapshot that the log is folded into on start (so the log never grows across restarts).</summary>
internal sealed class DurableLog : IDisposable
{
    private const string SnapshotFile = "snapshot.json";
    private const string LogFile = "changes.log";
    private readonly FileStream _log;

    private DurableLog(FileStream log) => _log = log;

    /// <summary>Loads the directory (snapshot, then the log's complete lines), writes a fresh snapshot and starts an
    /// empty log. Returns the recovered objects and revision.</summary>
    public static (DurableLog Log, long Revision, List<(string Storage, JsonObject Object)> Objects) Open(string directory)
    {
        Directory.CreateDirectory(directory);
        var snapshotPath = Path.Combine(directory, SnapshotFile);
        var logPath = Path.Combine(directory, LogFile);
        var objects = new Dictionary<(string, string), (string Storage, JsonObject Object)>();
        long revision = 0;
        if (File.Exists(snapshotPath))
        {
            var snapshot = Json.ParseObject(File.ReadAllBytes(snapshotPath));
            revision = snapshot["revision"]!.GetValue<long>();
            foreach (var entry in snapshot["objects"]!.AsArray().OfType<JsonObject>())
            {
                var storage = entry["storage"]!.GetValue<string>();
                var obj = entry["object"]!.AsObject();
                objects[(storage, KeyOf(obj))] = (storage, obj);
            }
        }
        if (File.Exists(logPath))
        {
            foreach (var line in ReadCompleteLines(logPath))
            {
                var record = Json.ParseObject(Encoding.UTF8.GetBytes(line));
                revision = Math.Max(revision, record["rv"]!.GetValue<long>());
                var storage = record["storage"]!.GetValue<string>();
                var key = record["key"]!.GetValue<string>();
                if (record["op"]!.GetValue<string>() == "delete")
                {
                    objects.Remove((storage, key));
                }
                else
                {
                    var obj = record["object"]!.AsObject();
                    objects[(storage, key)] = (storage, obj);
                }
            }
        }
        WriteSnapshot(directory, revision, objects.Values);
        var log = new FileStream(logPath, FileMode.Create, FileAccess.Write, FileShare.Read, 4096, FileOptions.None);
        log.Flush(flushToDisk: true);
        return (new DurableLog(log), revision, objects.Values.ToList());
    }

    /// <summary>Appends the changes (each with its revision) and returns only once they are on disk.</summary>
    public void Append(IReadOnlyList<(long Revision, StoreChange Change, byte[] Json)> changes)
    {
        var buffer = new MemoryStream();
        foreach (var (revision, change, json) in changes)
        {
            using (var writer = new Utf8JsonWriter(buffer, Json.WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteNumber("rv", revision);
                writer.WriteString("op", change.Deleted ? "delete" : "put");
                writer.WriteString("storage", change.Storage);
                writer.WriteString("key", change.Key);
                if (!change.Deleted)
                {
                    writer.WritePropertyName("object");
                    writer.WriteRawValue(json, skipInputValidation: true);
                }
                writer.WriteEndObject();
            }
            buffer.WriteByte((byte)'\n');
        }
        _log.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        _log.Flush(flushToDisk: true);
    }

    public void Dispose() => _log.Dispose();

    private static string KeyOf(JsonObject obj) =>
        StoredObject.KeyOf(obj["metadata"].Str("namespace"), obj["metadata"].Str("name") ?? "");

    /// <summary>A line without its newline was being written when the process died: it was never acknowledged.</summary>
    private static IEnumerable<string> ReadCompleteLines(string path)
    {
        var text = File.ReadAllText(path);
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static void WriteSnapshot(string directory, long revision, IEnumerable<(string Storage, JsonObject Object)> objects)
    {
        var temp = Path.Combine(directory, SnapshotFile + ".tmp");
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            using (var writer = new Utf8JsonWriter(file, Json.WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteNumber("revision", revision);
                writer.WriteStartArray("objects");
                foreach (var (storage, obj) in objects)
                {
                    writer.WriteStartObject();
                    writer.WriteString("storage", storage);
                    writer.WritePropertyName("object");
                    obj.WriteTo(writer);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, Path.Combine(directory, SnapshotFile), overwrite: true);
    }
}
