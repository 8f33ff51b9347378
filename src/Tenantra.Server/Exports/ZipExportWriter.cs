using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Tenantra.Server.Exports;

/// <summary>
/// Bundles several files into one ZIP written front to back (an HTTP response or a file; no seeking),
/// with <c>manifest.json</c> (name, bytes, sha256 per entry) and <c>SHA256SUMS</c> at the end so the
/// receiver can check the files after unpacking with <c>sha256sum -c SHA256SUMS</c>. Each entry is
/// hashed while it is written, never read twice. Entry names must be plain file names: no path
/// separators, no "..", no control characters, unique ignoring case, and not one of the two above.
/// </summary>
public sealed class ZipExportWriter
{
    public const string ManifestName = "manifest.json";

    public const string ChecksumsName = "SHA256SUMS";

    private const int MaxNameLength = 200;

    /// <summary>Writes the entries in order, then the manifest and checksums; returns the manifest.</summary>
    public async Task<IReadOnlyList<ZipManifestEntry>> WriteAsync(IReadOnlyList<ZipExportEntry> entries, Stream output, CancellationToken cancellationToken)
    {
        CheckNames(entries);
        var manifest = new List<ZipManifestEntry>(entries.Count);
        using var spool = new SyncWriteSpool(output);
        await using (var archive = await ZipArchive.CreateAsync(spool, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken))
        {
            foreach (var entry in entries)
            {
                await using (var content = await archive.CreateEntry(entry.Name, CompressionLevel.Optimal).OpenAsync(cancellationToken))
                {
                    using var hashing = new HashingStream(content);
                    await entry.WriteAsync(hashing, cancellationToken);
                    manifest.Add(new ZipManifestEntry(entry.Name, hashing.BytesWritten, hashing.FinishHash()));
                }

                await spool.DrainAsync(cancellationToken);
            }

            await AddAsync(archive, ManifestName, ManifestJson(manifest), cancellationToken);
            await AddAsync(archive, ChecksumsName, Checksums(manifest), cancellationToken);
        }

        await spool.FlushAsync(cancellationToken);
        return manifest;
    }

    /// <summary>Whether <paramref name="name"/> is a plain file name that unpacks where it is meant to on any system.</summary>
    public static bool IsSafeName(string name) =>
        name.Length is > 0 and <= MaxNameLength
        && name != "."
        && !name.Contains("..", StringComparison.Ordinal)
        && !name.Any(c => c is '/' or '\\' or ':' || char.IsControl(c))
        && name.Trim() == name;

    private static void CheckNames(IReadOnlyList<ZipExportEntry> entries)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ManifestName, ChecksumsName };
        foreach (var entry in entries)
        {
            if (!IsSafeName(entry.Name))
            {
                throw new ArgumentException($"'{entry.Name}' is not a safe ZIP entry name: use a plain file name without separators, '..' or control characters.", nameof(entries));
            }

            if (!names.Add(entry.Name))
            {
                throw new ArgumentException($"The ZIP entry name '{entry.Name}' is used twice or is reserved.", nameof(entries));
            }
        }
    }

    private static async Task AddAsync(ZipArchive archive, string name, byte[] content, CancellationToken cancellationToken)
    {
        await using var stream = await archive.CreateEntry(name, CompressionLevel.Optimal).OpenAsync(cancellationToken);
        await stream.WriteAsync(content, cancellationToken);
    }

    private static byte[] ManifestJson(IReadOnlyList<ZipManifestEntry> manifest)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("entries");
            foreach (var entry in manifest)
            {
                json.WriteStartObject();
                json.WriteString("name", entry.Name);
                json.WriteNumber("bytes", entry.Bytes);
                json.WriteString("sha256", entry.Sha256);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The coreutils format: hash, two spaces (text mode), name, LF.</summary>
    private static byte[] Checksums(IReadOnlyList<ZipManifestEntry> manifest) =>
        Encoding.UTF8.GetBytes(string.Concat(manifest.Select(e => $"{e.Sha256}  {e.Name}\n")));
}
