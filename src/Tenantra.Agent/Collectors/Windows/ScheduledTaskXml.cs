using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Tenantra.Agent.Collectors.Windows;

/// <summary>One task definition as read from its Task Scheduler XML.</summary>
public sealed record ScheduledTaskDefinition(
    string? Uri,
    string? Author,
    string? Description,
    bool Enabled,
    bool Hidden,
    string? UserId,
    string? GroupId,
    string? RunLevel,
    string? LogonType,
    IReadOnlyList<string> Triggers,
    IReadOnlyList<string> Actions);

/// <summary>
/// Reads a task in the Task Scheduler schema (http://schemas.microsoft.com/windows/2004/02/mit/task),
/// as stored under C:\Windows\System32\Tasks or exported by schtasks: UTF-16 with a byte order mark
/// or UTF-8. The XML is read defensively: a DTD is refused (no entity is ever expanded), nothing
/// outside the document is resolved, and input above <see cref="MaxBytes"/> is refused.
/// Triggers and actions become one line each (see <see cref="Parse"/>); action text has its secrets masked.
/// </summary>
public static partial class ScheduledTaskXml
{
    public const string Namespace = "http://schemas.microsoft.com/windows/2004/02/mit/task";

    /// <summary>Real task files are a few kilobytes; anything over 1 MiB is not a task.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>
    /// Parses one task. Each trigger is summarized as its element name followed by every setting
    /// below it as <c>path=value</c> (or <c>path</c> for an empty marker element such as a day
    /// name), sorted by path so that the same schedule always reads the same, e.g.
    /// <c>CalendarTrigger Repetition/Interval=PT1M ScheduleByDay/DaysInterval=1 StartBoundary=…</c>.
    /// Exec actions read <c>Exec: command arguments (in workingDirectory)</c>, COM handler
    /// actions <c>ComHandler: {class id} data=…</c>.
    /// </summary>
    /// <exception cref="XmlException">The XML is malformed, has a DTD, or is too large.</exception>
    /// <exception cref="InvalidDataException">The document is not a task.</exception>
    public static ScheduledTaskDefinition Parse(Stream stream)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxBytes,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = false,
        };
        XDocument document;
        using (var reader = XmlReader.Create(stream, settings))
        {
            document = XDocument.Load(reader, LoadOptions.None);
        }

        var task = document.Root;
        if (task is null || task.Name.LocalName != "Task")
        {
            throw new InvalidDataException($"The root element is <{task?.Name.LocalName}>, not <Task>.");
        }

        // Documents in the schema put everything in its namespace; read children in the root's own
        // namespace so that a task written without the declaration still reads.
        var ns = task.Name.Namespace;
        var registration = task.Element(ns + "RegistrationInfo");
        var taskSettings = task.Element(ns + "Settings");
        var actions = task.Element(ns + "Actions");
        var principal = SelectPrincipal(task.Element(ns + "Principals"), actions, ns);

        return new ScheduledTaskDefinition(
            Uri: Text(registration?.Element(ns + "URI")),
            Author: Text(registration?.Element(ns + "Author")),
            Description: Collapsed(registration?.Element(ns + "Description")),
            Enabled: Boolean(taskSettings?.Element(ns + "Enabled"), defaultValue: true),
            Hidden: Boolean(taskSettings?.Element(ns + "Hidden"), defaultValue: false),
            UserId: Text(principal?.Element(ns + "UserId")),
            GroupId: Text(principal?.Element(ns + "GroupId")),
            RunLevel: Text(principal?.Element(ns + "RunLevel")),
            LogonType: Text(principal?.Element(ns + "LogonType")),
            Triggers: [.. (task.Element(ns + "Triggers")?.Elements() ?? []).Select(SummarizeTrigger)],
            Actions: [.. (actions?.Elements() ?? []).Select(action => SummarizeAction(action, ns))]);
    }

    /// <summary>The principal the actions run as: the one named by Actions/@Context, else the first.</summary>
    private static XElement? SelectPrincipal(XElement? principals, XElement? actions, XNamespace ns)
    {
        var all = principals?.Elements(ns + "Principal").ToList() ?? [];
        var context = actions?.Attribute("Context")?.Value;
        return all.FirstOrDefault(p => context is not null && p.Attribute("id")?.Value == context) ?? all.FirstOrDefault();
    }

    private static string SummarizeTrigger(XElement trigger)
    {
        var parts = new List<(string Path, string Text)>();
        if (trigger.Attribute("id")?.Value is { } id)
        {
            parts.Add(("@id", "@id=" + Collapse(id)));
        }

        Flatten(trigger, prefix: string.Empty, parts);
        var builder = new StringBuilder(trigger.Name.LocalName);
        foreach (var (_, text) in parts.OrderBy(part => part.Path, StringComparer.Ordinal))
        {
            builder.Append(' ').Append(text);
        }

        return builder.ToString();
    }

    private static void Flatten(XElement element, string prefix, List<(string Path, string Text)> parts)
    {
        foreach (var child in element.Elements())
        {
            var path = prefix + child.Name.LocalName;
            if (child.HasElements)
            {
                Flatten(child, path + "/", parts);
            }
            else
            {
                var value = Collapse(child.Value);
                parts.Add((path, value.Length == 0 ? path : path + "=" + value));
            }
        }
    }

    private static string SummarizeAction(XElement action, XNamespace ns)
    {
        switch (action.Name.LocalName)
        {
            case "Exec":
                var command = Text(action.Element(ns + "Command")) ?? string.Empty;
                var arguments = Text(action.Element(ns + "Arguments"));
                var workingDirectory = Text(action.Element(ns + "WorkingDirectory"));
                var line = SecretMasker.MaskText(arguments is null ? command : command + " " + arguments);
                return "Exec: " + line + (workingDirectory is null ? string.Empty : " (in " + workingDirectory + ")");
            case "ComHandler":
                var classId = Text(action.Element(ns + "ClassId")) ?? string.Empty;
                var data = Collapsed(action.Element(ns + "Data"));
                return "ComHandler: " + classId + (data is null ? string.Empty : " data=" + SecretMasker.MaskText(data));
            default:
                var parts = new List<(string Path, string Text)>();
                Flatten(action, prefix: string.Empty, parts);
                return action.Name.LocalName + ":" + string.Concat(parts.Select(part => " " + SecretMasker.MaskText(part.Text)));
        }
    }

    /// <summary>The element's text without surrounding whitespace, or null when absent or blank.</summary>
    private static string? Text(XElement? element) =>
        element is null || element.Value.Trim() is not { Length: > 0 } text ? null : text;

    /// <summary>As <see cref="Text"/>, with whitespace runs collapsed to one space so a multi-line value reads as one line.</summary>
    private static string? Collapsed(XElement? element) =>
        element is null || Collapse(element.Value) is not { Length: > 0 } text ? null : text;

    private static bool Boolean(XElement? element, bool defaultValue) =>
        Text(element) switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            _ => defaultValue,
        };

    private static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
