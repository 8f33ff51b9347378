using System.Globalization;

namespace Tenantra.Server.Platform;

/// <summary>
/// Reads an export's filters (a list's query parameter names → text), adding a field error named
/// <c>filters.…</c> for each value it cannot read and for each name the list does not take.
/// </summary>
public sealed class FilterValues(IReadOnlyDictionary<string, string> filters, ValidationErrors errors)
{
    /// <summary>Refuses names outside <paramref name="names"/>, naming <paramref name="list"/> in the message.</summary>
    public FilterValues Taking(string list, params string[] names)
    {
        foreach (var name in filters.Keys.Except(names))
        {
            errors.Add($"filters.{name}", $"is not a filter of {list} ({string.Join(", ", names)}).");
        }

        return this;
    }

    public string? Text(string name, int maxLength = 200)
    {
        if (!filters.TryGetValue(name, out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (value.Trim().Length > maxLength)
        {
            errors.Add($"filters.{name}", $"must be at most {maxLength} characters.");
        }

        return value.Trim();
    }

    /// <summary>A yes/no filter: <c>true</c> or <c>false</c> (absent is false).</summary>
    public bool Flag(string name)
    {
        switch (Text(name, 5)?.ToLowerInvariant())
        {
            case null or "false":
                return false;
            case "true":
                return true;
            default:
                errors.Add($"filters.{name}", "must be true or false.");
                return false;
        }
    }

    public DateTimeOffset? Time(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        errors.Add($"filters.{name}", "must be a date and time (ISO 8601).");
        return null;
    }

    public TEnum? Choice<TEnum>(string name)
        where TEnum : struct, Enum
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        if (EnumFilter<TEnum>.TryParse(text, out var parsed))
        {
            return parsed.Value;
        }

        errors.Add($"filters.{name}", $"must be one of {string.Join(", ", Enum.GetNames<TEnum>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}.");
        return null;
    }

    public Guid? Id(string name, string what)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        if (Guid.TryParse(text, out var id))
        {
            return id;
        }

        errors.Add($"filters.{name}", $"must be {what} id.");
        return null;
    }
}
