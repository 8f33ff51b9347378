using Tenantra.Core.Exports;

namespace Tenantra.Server.Exports;

/// <summary>The file formats an export can be delivered in.</summary>
public enum ExportFormat
{
    Csv,
    Json,
    Pdf,
    Zip,
}

/// <summary>What a download of each format is called and announced as.</summary>
public static class ExportFormatExtensions
{
    /// <summary>The format an export was requested in (stored lowercase, e.g. "csv").</summary>
    public static ExportFormat FormatOf(this ExportFile export) => Enum.Parse<ExportFormat>(export.Format, ignoreCase: true);

    /// <summary>The file name extension, with its dot.</summary>
    public static string FileExtension(this ExportFormat format) => format switch
    {
        ExportFormat.Csv => ".csv",
        ExportFormat.Json => ".json",
        ExportFormat.Pdf => ".pdf",
        ExportFormat.Zip => ".zip",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format."),
    };

    /// <summary>The media type for a Content-Type header.</summary>
    public static string ContentType(this ExportFormat format) => format switch
    {
        ExportFormat.Csv => "text/csv; charset=utf-8",
        ExportFormat.Json => "application/json; charset=utf-8",
        ExportFormat.Pdf => "application/pdf",
        ExportFormat.Zip => "application/zip",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format."),
    };
}
