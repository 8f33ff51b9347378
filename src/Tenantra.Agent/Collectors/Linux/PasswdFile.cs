using System.Globalization;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>One account of /etc/passwd.</summary>
internal sealed record PasswdAccount(string Name, uint Uid, string Home);

/// <summary>
/// The local accounts of the collected system from its /etc/passwd. Accounts from NSS sources
/// (LDAP, SSSD) are not in the file; callers show their uid instead of a name.
/// </summary>
internal sealed class PasswdFile
{
    private readonly Dictionary<uint, string> _namesByUid = [];

    private PasswdFile(List<PasswdAccount> accounts)
    {
        Accounts = accounts;
        foreach (var account in accounts)
        {
            _namesByUid.TryAdd(account.Uid, account.Name);
        }
    }

    public IReadOnlyList<PasswdAccount> Accounts { get; }

    /// <summary>The account name of <paramref name="uid"/>, or the uid as text when no local account has it.</summary>
    public string NameOf(uint uid) =>
        _namesByUid.TryGetValue(uid, out var name) ? name : uid.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads /etc/passwd under the context root; no accounts when it is missing or unreadable.</summary>
    public static PasswdFile Read(CollectionContext context)
    {
        var path = context.PathOf("/etc/passwd");
        try
        {
            return File.Exists(path) ? Parse(File.ReadAllText(path)) : new PasswdFile([]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Problems.Add($"/etc/passwd: {e.Message}");
            return new PasswdFile([]);
        }
    }

    public static PasswdFile Parse(string text)
    {
        var accounts = new List<PasswdAccount>();
        foreach (var line in text.Split('\n'))
        {
            // name:password:uid:gid:gecos:home:shell
            var parts = line.Split(':');
            if (parts.Length >= 7 && uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
            {
                accounts.Add(new PasswdAccount(parts[0], uid, parts[5]));
            }
        }

        return new PasswdFile(accounts);
    }
}
