using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tenantra.Server.Audit;

/// <summary>
/// The before/after JSON of an audited target, with every secret-like property masked. A
/// property is secret when its name contains one of <see cref="SecretNameParts"/>; its value is
/// replaced by <c>"***"</c> (or <c>null</c> kept as null, so "was set" stays visible).
/// </summary>
public static class AuditSnapshot
{
    public static readonly string[] SecretNameParts = ["password", "secret", "token", "hash", "key", "code", "stamp"];

    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web);

    public static string? Of(object? value)
    {
        if (value is null)
        {
            return null;
        }

        var node = JsonSerializer.SerializeToNode(value, value.GetType(), s_options);
        Mask(node);
        return node?.ToJsonString(s_options);
    }

    private static void Mask(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (IsSecret(name))
                    {
                        obj[name] = child is null ? null : "***";
                    }
                    else
                    {
                        Mask(child);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Mask(child);
                }

                break;
        }
    }

    private static bool IsSecret(string name) =>
        SecretNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));
}
