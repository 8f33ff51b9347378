using System.Buffers;
using Tenantra.Agent.Contracts;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Agents;

/// <summary>Every limit of schema version 1, with the offending field named (e.g. <c>entries[3].key</c>).</summary>
internal static class SnapshotValidation
{
    /// <summary>Agents may run slightly fast; a snapshot claiming to be from further ahead is refused.</summary>
    private static readonly TimeSpan s_maxFuture = TimeSpan.FromMinutes(10);

    /// <summary>Errors listed per upload before validation stops, so a hostile payload cannot make a huge answer.</summary>
    private const int MaxReportedErrors = 20;

    /// <summary>The characters <see cref="char.IsControl(char)"/> calls control characters (all below U+00A0).</summary>
    private static readonly SearchValues<char> s_controlCharacters =
        SearchValues.Create([.. Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(char.IsControl)]);

    private static readonly SearchValues<char> s_controlCharactersButLineBreaks =
        SearchValues.Create([.. Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))]);

    public static void Validate(Snapshot? snapshot, DateTimeOffset now, ValidationErrors errors)
    {
        if (snapshot is null)
        {
            errors.Add("body", "is required.");
            return;
        }

        if (snapshot.SchemaVersion != SnapshotSchema.Version)
        {
            errors.Add("schemaVersion", $"must be {SnapshotSchema.Version}.");
        }

        if (snapshot.SnapshotId == Guid.Empty)
        {
            errors.Add("snapshotId", "is required.");
        }

        if (snapshot.Category is null || !SnapshotCategories.IsKnown(snapshot.Category))
        {
            errors.Add("category", $"must be one of: {string.Join(", ", SnapshotCategories.All)}.");
        }

        if (snapshot.CollectedAt == default || snapshot.CollectedAt > now + s_maxFuture)
        {
            errors.Add("collectedAt", "is missing or in the future.");
        }

        if (snapshot.Entries is null)
        {
            errors.Add("entries", "is required.");
            return;
        }

        if (snapshot.Entries.Count > SnapshotSchema.MaxEntries)
        {
            errors.Add("entries", $"must have at most {SnapshotSchema.MaxEntries} entries.");
            return;
        }

        var seen = new HashSet<(string, string)>();
        var reported = 0;
        for (var i = 0; i < snapshot.Entries.Count && reported < MaxReportedErrors; i++)
        {
            var before = errors.Count;
            ValidateEntry(snapshot.Entries[i], i, seen, errors);
            reported += errors.Count - before;
        }
    }

    // Field paths are built only for errors: a valid 1,000-entry snapshot has some 8,000 strings to check.
    private static void ValidateEntry(SnapshotEntry? entry, int index, HashSet<(string, string)> seen, ValidationErrors errors)
    {
        if (entry is null)
        {
            errors.Add($"entries[{index}]", "is null.");
            return;
        }

        if (Problem(entry.Kind, SnapshotSchema.MaxKindLength, required: true) is { } kindProblem)
        {
            errors.Add($"entries[{index}].kind", kindProblem);
        }

        if (Problem(entry.Key, SnapshotSchema.MaxKeyLength, required: true) is { } keyProblem)
        {
            errors.Add($"entries[{index}].key", keyProblem);
        }

        if (entry.Kind is not null && entry.Key is not null && !seen.Add((entry.Kind, entry.Key)))
        {
            errors.Add($"entries[{index}].key", "repeats an earlier entry of the same kind.");
        }

        if (entry.Fields is null)
        {
            errors.Add($"entries[{index}].fields", "is required.");
            return;
        }

        if (entry.Fields.Count > SnapshotSchema.MaxFieldsPerEntry)
        {
            errors.Add($"entries[{index}].fields", $"must have at most {SnapshotSchema.MaxFieldsPerEntry} fields.");
            return;
        }

        foreach (var (name, value) in entry.Fields)
        {
            if (Problem(name, SnapshotSchema.MaxFieldNameLength, required: true) is { } nameProblem)
            {
                errors.Add($"entries[{index}].fields", nameProblem);
            }

            if (Problem(value, SnapshotSchema.MaxFieldValueLength, required: false, allowLineBreaks: true) is { } valueProblem)
            {
                errors.Add($"entries[{index}].fields.{Shorten(name)}", valueProblem);
            }
        }
    }

    /// <summary>What is wrong with one text, or null when nothing is.</summary>
    private static string? Problem(string? value, int max, bool required, bool allowLineBreaks = false)
    {
        if (value is null or "")
        {
            return required ? "is required." : null;
        }

        if (value.Length > max)
        {
            return $"must be at most {max} characters.";
        }

        // PostgreSQL cannot store NUL in text, and no collected value needs other control characters.
        return value.AsSpan().ContainsAny(allowLineBreaks ? s_controlCharactersButLineBreaks : s_controlCharacters)
            ? "must not contain control characters."
            : null;
    }

    private static string Shorten(string? name) => name is null ? "?" : name.Length <= 64 ? name : name[..64];
}
