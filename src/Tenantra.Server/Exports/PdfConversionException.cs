namespace Tenantra.Server.Exports;

/// <summary>
/// The PDF could not be produced: WeasyPrint is missing, failed, timed out, or the export is too
/// large for a PDF. The message says which, in words an operator can act on, so the job that ran
/// the export can record it as the failure reason.
/// </summary>
public sealed class PdfConversionException : Exception
{
    public PdfConversionException()
    {
    }

    public PdfConversionException(string message)
        : base(message)
    {
    }

    public PdfConversionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
