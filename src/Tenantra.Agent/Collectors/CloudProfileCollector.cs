using System.Text.Json;
using Tenantra.Agent.Collectors.Linux;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Collectors;

/// <summary>
/// Which cloud accounts the command-line tools of each user are set up for: AWS profiles
/// (~/.aws/config and ~/.aws/credentials, "aws-profile"), Azure subscriptions
/// (~/.azure/azureProfile.json, "azure-subscription") and gcloud configurations
/// (~/.config/gcloud/configurations/config_*, or AppData\Roaming\gcloud on Windows,
/// "gcloud-configuration"). Keys are "&lt;home user&gt;:&lt;profile, subscription id or configuration&gt;".
/// Only an explicit allow-list of settings is copied, so access keys, secrets, session tokens and
/// anything unknown never leave the machine; an AWS profile only says whether it holds static
/// keys ("staticKeys") and where it was found ("sources").
/// Homes are /root, the existing homes of /etc/passwd and /home/* on Linux, C:\Users\* on Windows.
/// </summary>
public sealed class CloudProfileCollector : ICollector
{
    private static readonly string[] s_awsAllowedSettings =
    [
        "region", "output", "role_arn", "source_profile", "credential_source", "mfa_serial",
        "sso_account_id", "sso_role_name", "sso_session", "sso_start_url", "sso_region",
    ];

    private static readonly string[] s_awsArnSettings = ["role_arn", "mfa_serial"];

    private static readonly HashSet<string> s_windowsNonUserProfiles =
        new(["Public", "Default", "Default User", "All Users"], StringComparer.OrdinalIgnoreCase);

    private readonly bool _windowsLayout;

    public CloudProfileCollector()
        : this(OperatingSystem.IsWindows())
    {
    }

    /// <summary>For tests: <paramref name="windowsLayout"/> looks for homes under /Users of the root, as on Windows.</summary>
    internal CloudProfileCollector(bool windowsLayout) => _windowsLayout = windowsLayout;

    public string Category => SnapshotCategories.CloudProfiles;

    public IEnumerable<SnapshotEntry> Collect(CollectionContext context)
    {
        var entries = new List<SnapshotEntry>();
        foreach (var (home, user) in Homes(context))
        {
            AddAwsProfiles(context, user, home, entries);
            AddAzureSubscriptions(context, user, home, entries);
            AddGcloudConfigurations(context, user, _windowsLayout ? home + "/AppData/Roaming/gcloud" : home + "/.config/gcloud", entries);
        }

        return entries;
    }

    /// <summary>Absolute home path → the user it belongs to, sorted by path.</summary>
    internal SortedDictionary<string, string> Homes(CollectionContext context)
    {
        var homes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (_windowsLayout)
        {
            foreach (var home in DirectoryListing.DirectoriesIn(context, "/Users"))
            {
                if (!s_windowsNonUserProfiles.Contains(Path.GetFileName(home)))
                {
                    homes.TryAdd(home, Path.GetFileName(home));
                }
            }

            return homes;
        }

        homes["/root"] = "root";
        foreach (var account in PasswdFile.Read(context).Accounts)
        {
            var home = account.Home.TrimEnd('/');
            if (home.Length > 0 && Directory.Exists(context.PathOf(home)))
            {
                homes.TryAdd(home, account.Name);
            }
        }

        foreach (var home in DirectoryListing.DirectoriesIn(context, "/home"))
        {
            homes.TryAdd(home, Path.GetFileName(home));
        }

        return homes;
    }

    private static void AddAwsProfiles(CollectionContext context, string user, string home, List<SnapshotEntry> entries)
    {
        var profiles = new SortedDictionary<string, Dictionary<string, string?>>(StringComparer.Ordinal);
        foreach (var (file, source) in (ReadOnlySpan<(string, string)>)[("/.aws/config", "config"), ("/.aws/credentials", "credentials")])
        {
            if (context.ReadTextIfPresent(home + file) is not { } text)
            {
                continue;
            }

            foreach (var section in IniFile.Parse(text))
            {
                if (AwsProfileName(section.Name, source) is not { } name)
                {
                    continue;
                }

                if (!profiles.TryGetValue(name, out var fields))
                {
                    fields = new Dictionary<string, string?>(StringComparer.Ordinal) { ["profile"] = name };
                    profiles[name] = fields;
                }

                fields["sources"] = fields.TryGetValue("sources", out var sources) ? $"{sources},{source}" : source;
                foreach (var setting in s_awsAllowedSettings)
                {
                    if (section.Values.TryGetValue(setting, out var value))
                    {
                        fields[setting] = value;
                    }
                }

                if (section.Values.ContainsKey("aws_access_key_id"))
                {
                    fields["staticKeys"] = "true";
                }
            }
        }

        foreach (var (name, fields) in profiles)
        {
            var accounts = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var setting in s_awsArnSettings)
            {
                if (fields.GetValueOrDefault(setting) is { } arn && AccountOfArn(arn) is { } account)
                {
                    accounts.Add(account);
                }
            }

            if (fields.GetValueOrDefault("sso_account_id") is { Length: > 0 } ssoAccount)
            {
                accounts.Add(ssoAccount);
            }

            if (accounts.Count > 0)
            {
                fields["accountIds"] = string.Join(',', accounts);
            }

            entries.Add(new SnapshotEntry("aws-profile", $"{user}:{name}", fields));
        }
    }

    /// <summary>"default" and "profile x" in config, any section in credentials; null for other config sections (sso-session, services).</summary>
    private static string? AwsProfileName(string section, string source)
    {
        if (source == "credentials" || section == "default")
        {
            return section;
        }

        return section.StartsWith("profile ", StringComparison.Ordinal) ? section["profile ".Length..].Trim() : null;
    }

    /// <summary>The account of "arn:partition:service:region:account:resource", or null.</summary>
    internal static string? AccountOfArn(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length >= 6 && parts[0] == "arn" && parts[4].Length == 12 && parts[4].All(char.IsAsciiDigit) ? parts[4] : null;
    }

    private static void AddAzureSubscriptions(CollectionContext context, string user, string home, List<SnapshotEntry> entries)
    {
        const string file = "/.azure/azureProfile.json";
        if (context.ReadBytesIfPresent(home + file) is not { } bytes)
        {
            return;
        }

        try
        {
            // The Azure CLI writes this file with a byte order mark, which the JSON reader does not accept.
            var json = bytes.AsMemory();
            if (json.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                json = json[3..];
            }

            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("subscriptions", out var subscriptions) || subscriptions.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var subscription in subscriptions.EnumerateArray())
            {
                if (StringProperty(subscription, "id") is not { } id)
                {
                    continue;
                }

                var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    ["id"] = id,
                    ["name"] = StringProperty(subscription, "name"),
                    ["tenantId"] = StringProperty(subscription, "tenantId"),
                    ["user"] = subscription.TryGetProperty("user", out var account) ? StringProperty(account, "name") : null,
                    ["isDefault"] = subscription.TryGetProperty("isDefault", out var isDefault) && isDefault.ValueKind == JsonValueKind.True ? "true" : "false",
                };
                entries.Add(new SnapshotEntry("azure-subscription", $"{user}:{id}", fields));
            }
        }
        catch (JsonException e)
        {
            context.Problems.Add($"{home}{file}: {e.Message}");
        }
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static void AddGcloudConfigurations(CollectionContext context, string user, string gcloudDirectory, List<SnapshotEntry> entries)
    {
        const string prefix = "config_";
        var active = context.ReadTextIfPresent(gcloudDirectory + "/active_config")?.Trim();
        foreach (var path in DirectoryListing.FilesIn(context, gcloudDirectory + "/configurations"))
        {
            var name = Path.GetFileName(path);
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || context.ReadTextIfPresent(path) is not { } text)
            {
                continue;
            }

            name = name[prefix.Length..];
            var sections = IniFile.Parse(text);
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["configuration"] = name,
                ["project"] = Setting(sections, "core", "project"),
                ["account"] = Setting(sections, "core", "account"),
                ["region"] = Setting(sections, "compute", "region"),
                ["zone"] = Setting(sections, "compute", "zone"),
                ["active"] = name == active ? "true" : "false",
            };
            entries.Add(new SnapshotEntry("gcloud-configuration", $"{user}:{name}", fields));
        }
    }

    private static string? Setting(List<IniSection> sections, string section, string key) =>
        sections.Find(candidate => candidate.Name == section)?.Values.GetValueOrDefault(key);
}
