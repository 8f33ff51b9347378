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
            ValidateEntry(snapshot.Entries[i], $"entries[{i}]", seen, errors);
            reported += errors.Count - before;
        }
    }

    private static void ValidateEntry(SnapshotEntry? entry, string path, HashSet<(string, string)> seen, ValidationErrors errors)
    {
        if (entry is null)
        {
            errors.Add(path, "is null.");
            return;
        }

        Text(errors, $"{path}.kind", entry.Kind, SnapshotSchema.MaxKindLength, required: true);
        Text(errors, $"{path}.key", entry.Key, SnapshotSchema.MaxKeyLength, required: true);
        if (entry.Kind is not null && entry.Key is not null && !seen.Add((entry.Kind, entry.Key)))
        {
            errors.Add($"{path}.key", "repeats an earlier entry of the same kind.");
        }

        if (entry.Fields is null)
        {
            errors.Add($"{path}.fields", "is required.");
            return;
        }

        if (entry.Fields.Count > SnapshotSchema.MaxFieldsPerEntry)
        {
            errors.Add($"{path}.fields", $"must have at most {SnapshotSchema.MaxFieldsPerEntry} fields.");
            return;
        }

        foreach (var (name, value) in entry.Fields)
        {
            Text(errors, $"{path}.fields", name, SnapshotSchema.MaxFieldNameLength, required: true);
            Text(errors, $"{path}.fields.{Shorten(name)}", value, SnapshotSchema.MaxFieldValueLength, required: false, allowLineBreaks: true);
        }
    }

    private static void Text(ValidationErrors errors, string field, string? value, int max, bool required, bool allowLineBreaks = false)
    {
        if (value is null or "")
        {
            if (required)
            {
                errors.Add(field, "is required.");
            }

            return;
        }

        if (value.Length > max)
        {
            errors.Add(field, $"must be at most {max} characters.");
        }
        else if (value.Any(c => char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t')))
        {
            // PostgreSQL cannot store NUL in text, and no collected value needs other control characters.
            errors.Add(field, "must not contain control characters.");
        }
    }

    private static string Shorten(string? name) => name is null ? "?" : name.Length <= 64 ? name : name[..64];
}
