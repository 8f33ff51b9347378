namespace Tenantra.Core.Integrity;

/// <summary>
/// Where an integrity event is in triage. Open and acknowledged events are active (the drift is
/// there); resolved ones were handled or went back to the baseline; approved ones were folded into it.
/// </summary>
public enum IntegrityEventStatus
{
    Open = 0,
    Acknowledged = 1,
    Resolved = 2,
    Approved = 3,
}
