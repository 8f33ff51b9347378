namespace Tenantra.Server.Exports;

/// <summary>
/// One file in an export ZIP: its name (a plain file name, checked by <see cref="ZipExportWriter"/>)
/// and a callback that writes its content to the stream it is given, without closing it.
/// </summary>
public sealed record ZipExportEntry(string Name, Func<Stream, CancellationToken, Task> WriteAsync)
{
    /// <summary>An entry holding <paramref name="document"/> in <paramref name="writer"/>'s format, named <paramref name="baseName"/> plus its extension.</summary>
    public static ZipExportEntry Of(string baseName, IExportWriter writer, ExportDocument document, IProgress<long>? rowsWritten = null) =>
        new(baseName + writer.Format.FileExtension(), (stream, cancellationToken) => writer.WriteAsync(document, stream, rowsWritten, cancellationToken));
}

/// <summary>What the manifest says about one entry: its size and lowercase hex SHA-256.</summary>
public sealed record ZipManifestEntry(string Name, long Bytes, string Sha256);
