using System.Text;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Tests.Collectors.Windows;

/// <summary>The Windows fixtures copied next to the tests, and ways to re-encode them.</summary>
internal static class WindowsFixtures
{
    public static string PathOf(string relative) =>
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "Windows", relative.Replace('/', Path.DirectorySeparatorChar));

    public static byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));

    /// <summary>Text as regedit and the Task Scheduler store it: UTF-16LE, byte order mark, CRLF.</summary>
    public static byte[] Utf16LeWithBomAndCrlf(string text)
    {
        var crlf = text.ReplaceLineEndings("\r\n");
        return [.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes(crlf)];
    }

    public static byte[] Utf8(string text, bool bom = false) =>
        bom ? [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text);

    public static SnapshotEntry Single(IEnumerable<SnapshotEntry> entries, string kind, string key)
    {
        var matches = entries.Where(entry => entry.Kind == kind && entry.Key == key).ToList();
        Assert.True(matches.Count == 1, $"expected one {kind} entry keyed '{key}', found {matches.Count}");
        return matches[0];
    }

    /// <summary>Every field of the entry, in order of name, as "name=value" (absent and null read as "name=").</summary>
    public static string Describe(SnapshotEntry entry) =>
        string.Join("\n", entry.Fields.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Key + "=" + pair.Value));
}

/// <summary>A directory that is removed when the test ends.</summary>
internal sealed class TempTree : IDisposable
{
    public TempTree() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "tenantra-win-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes a file at a Windows-style path below the root ("Windows/System32/Tasks/X"), creating its folders.</summary>
    public string Write(string relative, byte[] content)
    {
        var path = Path.Combine(Root, relative.Replace('\\', '/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
