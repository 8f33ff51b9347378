namespace Tenantra.Core.Audit;

/// <summary>
/// The outcome of checking one tenant's audit chain. <see cref="RecordsChecked"/> counts the
/// records read, including the one that failed; <see cref="FirstBadSequence"/> is the position
/// where the chain first went wrong, or null when only the head is missing. <see cref="AnchorsChecked"/>
/// counts the signed anchors matched against their records; the chain is vouched for by signature up
/// to <see cref="AnchoredThrough"/>, signed at <see cref="LastAnchoredAt"/>.
/// </summary>
public sealed record AuditChainVerification(bool IsValid, long RecordsChecked, long? FirstBadSequence, string? Problem)
{
    public int AnchorsChecked { get; init; }

    public long? AnchoredThrough { get; init; }

    public DateTimeOffset? LastAnchoredAt { get; init; }

    public static AuditChainVerification Valid(long recordsChecked) => new(true, recordsChecked, null, null);

    public static AuditChainVerification Invalid(long recordsChecked, long? firstBadSequence, string problem) =>
        new(false, recordsChecked, firstBadSequence, problem);
}
