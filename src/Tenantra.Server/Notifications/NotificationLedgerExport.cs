using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Identity;
using Tenantra.Data;
using Tenantra.Server.Exports;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Notifications;

/// <summary>
/// The delivery ledger as an export: the list's filters, oldest first, read a thousand attempts at a
/// time (keyset on the attempt time; attempts stamped at the same instant are skipped by count).
/// Totals: attempts, per outcome and per channel.
/// </summary>
public sealed class NotificationLedgerExport : IExportDataset
{
    public const string DatasetKey = "notification-ledger";

    private const int BatchSize = 1000;

    public string Key => DatasetKey;

    public string Title => "Notification delivery ledger";

    public Permission Permission => Permission.AuditRead;

    private static readonly ExportColumn[] s_columns =
    [
        new("startedAt", "Attempted at (UTC)"), new("eventType", "Event type"), new("eventTitle", "Event"), new("channel", "Channel"),
        new("recipient", "Recipient"), new("attempt", "Attempt"), new("outcome", "Outcome"), new("response", "Response"),
        new("eventId", "Event id"), new("deliveryId", "Delivery id"),
    ];

    public void Validate(IReadOnlyDictionary<string, string> filters, ValidationErrors errors) => LedgerFilter.Parse(filters, errors);

    public ExportDocument Document(IServiceProvider tenantServices, Guid tenantId, string tenantName, IReadOnlyDictionary<string, string> filters, DateTimeOffset now)
    {
        var filter = LedgerFilter.Parse(filters, new ValidationErrors());
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        return new ExportDocument
        {
            Title = Title,
            TenantName = tenantName,
            PeriodFrom = filter.From,
            PeriodTo = filter.To,
            GeneratedAt = now,
            Columns = s_columns,
            Rows = RowsAsync(tenantServices.GetRequiredService<TenantraDbContext>(), tenantId, filter, counts),
            Totals = () => [new("Attempts", Format(counts.Where(c => c.Key.StartsWith("outcome:", StringComparison.Ordinal)).Sum(c => c.Value))),
                .. counts.Select(c => new ExportTotal(c.Key[(c.Key.IndexOf(':') + 1)..], Format(c.Value)))],
        };
    }

    private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static async IAsyncEnumerable<IReadOnlyList<string?>> RowsAsync(
        TenantraDbContext db, Guid tenantId, LedgerFilter filter, SortedDictionary<string, long> counts, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        counts.Clear(); // counted afresh on every enumeration
        DateTimeOffset? after = null;
        var seenAtAfter = 0;
        while (true)
        {
            var attempts = db.NotificationAttempts.AsNoTracking().Where(a => a.TenantId == tenantId);
            if (after is { } time)
            {
                attempts = attempts.Where(a => a.StartedAt >= time);
            }

            var batch = await filter.Apply(LedgerEndpoints.Rows(db, tenantId, attempts)).OrderBy(r => r.Attempt.StartedAt).ThenBy(r => r.Attempt.Id).Skip(seenAtAfter).Take(BatchSize)
                .Select(r => r.Response).ToListAsync(cancellationToken);
            foreach (var a in batch)
            {
                counts[$"outcome:{a.Outcome}"] = counts.GetValueOrDefault($"outcome:{a.Outcome}") + 1;
                counts[$"channel:{a.Channel}"] = counts.GetValueOrDefault($"channel:{a.Channel}") + 1;
                yield return
                [
                    a.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), a.EventType, a.EventTitle, a.Channel.ToString(),
                    a.Recipient, a.Attempt.ToString(CultureInfo.InvariantCulture), a.Outcome.ToString(), a.Response, a.EventId?.ToString(), a.DeliveryId.ToString(),
                ];
            }

            if (batch.Count < BatchSize)
            {
                yield break;
            }

            var last = batch[^1].StartedAt;
            seenAtAfter = (last == after ? seenAtAfter : 0) + batch.Count(a => a.StartedAt == last);
            after = last;
        }
    }
}
