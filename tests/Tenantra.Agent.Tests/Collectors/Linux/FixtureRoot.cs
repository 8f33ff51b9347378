using System.Security.Cryptography;
using System.Text;
using Tenantra.Agent.Collectors;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Tests.Collectors.Linux;

/// <summary>A throwaway directory standing in for "/" of a machine; paths given to it are absolute paths of that machine.</summary>
internal sealed class FixtureRoot : IDisposable
{
    public FixtureRoot()
    {
        Root = Path.Combine(Path.GetTempPath(), "tenantra-fixture-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public CollectionContext Context() => new(Root);

    /// <summary>The real path of an absolute path of the fixture machine.</summary>
    public string PathOf(string absolutePath) => Path.Join(Root, absolutePath.TrimStart('/'));

    public string Write(string absolutePath, string content, UnixFileMode? mode = null) =>
        Write(absolutePath, Encoding.UTF8.GetBytes(content), mode);

    public string Write(string absolutePath, byte[] content, UnixFileMode? mode = null)
    {
        var path = PathOf(absolutePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        if (mode is { } unixMode && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, unixMode);
        }

        return path;
    }

    /// <summary>Creates a symbolic link whose target text is exactly <paramref name="target"/>.</summary>
    public void Link(string absolutePath, string target)
    {
        var path = PathOf(absolutePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
    }

    public void CreateDirectory(string absolutePath) => Directory.CreateDirectory(PathOf(absolutePath));

    public static string Sha256(string content) => Sha256(Encoding.UTF8.GetBytes(content));

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>Lookups that make assertions on collected entries read plainly.</summary>
internal static class EntryAssertions
{
    public static SnapshotEntry Single(this IEnumerable<SnapshotEntry> entries, string kind, string key) =>
        Assert.Single(entries, entry => entry.Kind == kind && entry.Key == key);

    public static Dictionary<string, string?> FieldsOf(this IEnumerable<SnapshotEntry> entries, string kind, string key) =>
        new(entries.Single(kind, key).Fields, StringComparer.Ordinal);

    public static List<string> KeysOf(this IEnumerable<SnapshotEntry> entries, string kind) =>
        [.. entries.Where(entry => entry.Kind == kind).Select(entry => entry.Key)];
}
