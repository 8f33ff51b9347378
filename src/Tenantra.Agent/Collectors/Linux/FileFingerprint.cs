using System.Globalization;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>
/// The fields that identify a configuration or script file's content and who may change it:
/// sha256, size, mode (octal permissions) and owner uid. Used for boot files and cron scripts.
/// </summary>
internal static class FileFingerprint
{
    /// <summary>
    /// The fields for <paramref name="absolutePath"/> of the collected system (of the file it links
    /// to, if it is a link), or null (with a problem recorded) when it cannot be read.
    /// </summary>
    public static Dictionary<string, string?>? Read(CollectionContext context, string absolutePath)
    {
        var path = context.PathOf(SymbolicLinks.Resolve(context, absolutePath));
        try
        {
            var sha256 = FileDigest.Sha256(path);
            var status = UnixFileStatus.Read(path);
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal) { ["sha256"] = sha256 };
            if (status is { } known)
            {
                fields["size"] = known.Size.ToString(CultureInfo.InvariantCulture);
                fields["mode"] = known.OctalPermissions;
                fields["uid"] = known.Uid.ToString(CultureInfo.InvariantCulture);
            }

            return fields;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Problems.Add($"{absolutePath}: {e.Message}");
            return null;
        }
    }
}
