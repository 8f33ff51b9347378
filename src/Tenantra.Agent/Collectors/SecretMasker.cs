using System.Text.RegularExpressions;

namespace Tenantra.Agent.Collectors;

/// <summary>
/// Masks secrets in collected text before it leaves the machine: passwords and keys in connection
/// strings, command-line options and URLs, and whole values known to hold secrets (Winlogon
/// DefaultPassword and the like). What is masked becomes <see cref="Mask"/>, so a change of secret
/// is still visible as a change without revealing either value.
/// </summary>
public static partial class SecretMasker
{
    public const string Mask = "********";

    /// <summary>Registry or config value names whose whole value is a secret.</summary>
    private static readonly HashSet<string> s_secretNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "DefaultPassword", "AltDefaultPassword", "AutoAdminPassword", "Password", "Passwd", "Pwd", "Secret",
        "ClientSecret", "ApiKey", "AccessKey", "SecretAccessKey", "Token", "AccessToken", "RefreshToken", "PrivateKey",
    };

    public static bool IsSecretName(string name) => s_secretNames.Contains(name);

    /// <summary>The value itself when its name marks it as a secret, otherwise the value with any embedded secrets masked.</summary>
    public static string? MaskValue(string name, string? value) =>
        value is null ? null : IsSecretName(name) ? Mask : MaskText(value);

    /// <summary>Masks <c>password=…</c> pairs, secret command-line options and credentials in URLs.</summary>
    public static string MaskText(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        text = KeyValueSecret().Replace(text, m => m.Groups["key"].Value + m.Groups["sep"].Value + Mask);
        text = OptionSecret().Replace(text, m => m.Groups["option"].Value + m.Groups["sep"].Value + Mask);
        return UrlCredentials().Replace(text, m => m.Groups["scheme"].Value + m.Groups["user"].Value + ":" + Mask + "@");
    }

    // password=x; pwd=x; secret: x; token=x; api_key=x (connection strings, env assignments, INI lines), and "token": "x" (JSON)
    [GeneratedRegex(@"(?<key>(?<![a-z0-9])(?:password|passwd|pwd|secret|client_?secret|api_?key|access_?key|secret_?access_?key|token|access_?token|auth_?token)\b""?)(?<sep>\s*[=:]\s*)(?<value>""(?:[^""\\]|\\.)*""|'[^']*'|[^;\s&,}]+)", RegexOptions.IgnoreCase)]
    private static partial Regex KeyValueSecret();

    // --password x, --password=x, -p x is ambiguous and left alone; /p:x for Windows tools
    [GeneratedRegex(@"(?<option>(?:--?(?:password|passwd|pass|secret|token|api-key|access-key|client-secret)|/p(?:assword)?))(?<sep>[ =:])(?<value>""[^""]*""|'[^']*'|\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex OptionSecret();

    // scheme://user:password@host
    [GeneratedRegex(@"(?<scheme>[a-z][a-z0-9+.\-]*://)(?<user>[^:/@\s]+):(?<password>[^@/\s]+)@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlCredentials();
}
