using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Tide.ApiServer.Faults;
using Tide.ApiServer.Resources;
using Tide.ApiServer.Semantics;
using Tide.ApiServer.Serialization;
using Tide.ApiServer.Storage;

namespace Tide.ApiServer.Http;

/// <summary>`?watch=1`: newline-delimited watch events over a chunked response, as Kubernetes streams them.
/// Without a resourceVersion (or "0") the watch starts with ADDED for every matching object; with one it replays the
/// retained events after it, or answers an ERROR event with a 410 Expired Status when they are gone. Selector watches
/// turn an object entering or leaving the selection into ADDED or DELETED. Ends at timeoutSeconds.</summary>
internal sealed class WatchStreamer(ObjectStore store, TableConverter tables)
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    public async Task StreamAsync(HttpContext context, ResourceType type, string? ns, string? name, FaultOptions faults)
    {
        var query = context.Request.Query;
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(name is null ? query["fieldSelector"].ToString()
            : $"metadata.name={name}" + (query["fieldSelector"].ToString() is { Length: > 0 } f ? "," + f : ""));
        var rv = query["resourceVersion"].ToString();
        long? from = null;
        // A streaming list (client-go's WatchListClient, as helm's wait uses it): the current objects, then a bookmark
        // that says so, then the changes.
        var initialEvents = query["sendInitialEvents"] == "true";
        if (rv.Length > 0 && rv != "0" && !initialEvents)
        {
            from = long.TryParse(rv, out var parsed) && parsed >= 0 ? parsed
                : throw ApiException.BadRequest($"invalid resource version: {rv}");
        }
        var bookmarks = query["allowWatchBookmarks"] == "true";
        var timeout = long.TryParse(query["timeoutSeconds"], out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : DefaultTimeout;
        if (faults.WatchCloseAfter is { } closeAfter && closeAfter < timeout) timeout = closeAfter;
        var shape = ResponseShapes.From(context.Request.Headers.Accept);
        var includeObject = query["includeObject"] == "Object";
        var namespaceFilter = type.Namespaced ? ns : null;
        bool Matches(StoredObject? o) =>
            o is not null && (namespaceFilter is null || o.Namespace == namespaceFilter) && labels.Matches(o.Labels) && fields.Matches(o);

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        WatchSubscription subscription;
        StoreState snapshot;
        try
        {
            subscription = store.Watch(type.StorageKey, from, bookmarks, out snapshot);
        }
        catch (ApiException e) when (e.Code == 410)
        {
            await WriteLineAsync(response, new JsonObject { ["type"] = "ERROR", ["object"] = e.ToStatus() }, context.RequestAborted);
            return;
        }
        using (subscription)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            deadline.CancelAfter(timeout);
            var ct = deadline.Token;
            var sent = 0;
            var limit = faults.WatchCloseAfterEvents ?? int.MaxValue;
            try
            {
                await response.StartAsync(ct);
                await response.Body.FlushAsync(ct);
                if (from is null)
                {
                    foreach (var o in snapshot.List(type.StorageKey, namespaceFilter).Where(Matches))
                    {
                        if (sent++ >= limit) return;
                        await WriteEventAsync(response, type, WatchEvent.Added, o, shape, includeObject, ct);
                    }
                    if (initialEvents)
                        await WriteBookmarkAsync(response, type, snapshot.Revision, initialEventsEnd: true, ct);
                    await response.Body.FlushAsync(ct);
                }
                var reader = subscription.Events;
                while (await reader.WaitToReadAsync(ct))
                {
                    while (reader.TryRead(out var e))
                    {
                        if (e.Type == WatchEvent.Bookmark)
                        {
                            await WriteBookmarkAsync(response, type, e.ResourceVersion, initialEventsEnd: false, ct);
                            continue;
                        }
                        var now = e.Type != WatchEvent.Deleted && Matches(e.Object);
                        var before = Matches(e.Previous);
                        var kind = e.Type switch
                        {
                            WatchEvent.Deleted when before || Matches(e.Object) => WatchEvent.Deleted,
                            WatchEvent.Added or WatchEvent.Modified when now && before => WatchEvent.Modified,
                            WatchEvent.Added or WatchEvent.Modified when now => WatchEvent.Added,
                            WatchEvent.Modified when before => WatchEvent.Deleted,
                            _ => null,
                        };
                        if (kind is null) continue;
                        if (sent++ >= limit) return;
                        await WriteEventAsync(response, type, kind, e.Object!, shape, includeObject, ct);
                    }
                    await response.Body.FlushAsync(ct);
                }
            }
            catch (OperationCanceledException)
            {
                // timeoutSeconds elapsed or the client left: the stream simply ends, as in Kubernetes.
            }
        }
    }

    private static Task WriteBookmarkAsync(HttpResponse response, ResourceType type, long resourceVersion, bool initialEventsEnd,
        CancellationToken ct)
    {
        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion.ToString() };
        if (initialEventsEnd)
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        return WriteLineAsync(response, new JsonObject
        {
            ["type"] = WatchEvent.Bookmark,
            ["object"] = new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.GroupVersion, ["metadata"] = metadata },
        }, ct, flush: false);
    }

    private async Task WriteEventAsync(HttpResponse response, ResourceType type, string kind, StoredObject o, ResponseShape shape,
        bool includeObject, CancellationToken ct)
    {
        if (shape == ResponseShape.Object && o.ApiVersion == type.GroupVersion)
        {
            await response.Body.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"{{\"type\":\"{kind}\",\"object\":"), ct);
            await response.Body.WriteAsync(o.Json, ct);
            await response.Body.WriteAsync("}\n"u8.ToArray(), ct);
            return;
        }
        var obj = o.ToNode();
        obj["apiVersion"] = type.GroupVersion;
        JsonNode rendered = shape switch
        {
            ResponseShape.Table => tables.ToTable(type, [obj], includeObject, o.ResourceVersion.ToString()),
            ResponseShape.Metadata => TableConverter.PartialMetadata(obj),
            _ => obj,
        };
        await WriteLineAsync(response, new JsonObject { ["type"] = kind, ["object"] = rendered }, ct, flush: false);
    }

    private static async Task WriteLineAsync(HttpResponse response, JsonObject line, CancellationToken ct, bool flush = true)
    {
        await response.Body.WriteAsync(Json.ToUtf8(line), ct);
        await response.Body.WriteAsync("\n"u8.ToArray(), ct);
        if (flush) await response.Body.FlushAsync(ct);
    }
}
