namespace Tenantra.Agent.Collectors.Windows;

/// <summary>
/// How Windows file paths read through <see cref="CollectionContext.Root"/> are named in entries:
/// as the collected machine sees them (<c>C:\ProgramData\…</c>), whatever directory the root is.
/// </summary>
internal static class WindowsPaths
{
    /// <summary>
    /// The Windows name of <paramref name="fullPath"/>, a path under the context root: the root's
    /// drive when the root is a drive (<c>D:\</c> → <c>D:\…</c>), else <c>C:</c> (a test tree or a
    /// mounted image stands for the system drive).
    /// </summary>
    public static string Display(CollectionContext context, string fullPath)
    {
        var root = Path.GetFullPath(context.Root);
        var relative = Path.GetRelativePath(root, Path.GetFullPath(fullPath)).Replace('/', '\\');
        var drive = root.Length is 2 or 3 && root[1] == ':' && char.IsAsciiLetter(root[0]) ? char.ToUpperInvariant(root[0]) : 'C';
        return relative == "." ? $"{drive}:\\" : $"{drive}:\\{relative}";
    }

    /// <summary>The path of <paramref name="fullPath"/> below <paramref name="folder"/>, with backslashes and a leading one (<c>\Microsoft\Windows\X</c>).</summary>
    public static string BelowFolder(string folder, string fullPath) =>
        Path.GetRelativePath(folder, fullPath) is var relative && relative == "." ? "\\" : "\\" + relative.Replace('/', '\\');

    /// <summary>Lists a folder's entries (not recursively) without skipping hidden or system ones, as the default would; a folder that cannot be listed throws.</summary>
    public static EnumerationOptions AllEntries() => new()
    {
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
    };
}
