using System.Globalization;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Collectors.Windows;

/// <summary>
/// Windows services and drivers as the Service Control Manager stores them, under
/// HKLM\SYSTEM\CurrentControlSet\Services: kind "windows-service" keyed by the service name, with
/// imagePath (secrets masked), start (number) and startType (boot, system, automatic, manual,
/// disabled), type (number) and typeName, objectName (the account), displayName, serviceDll
/// (Parameters\ServiceDll, else ServiceDll on the service key) and delayedAutostart. Subkeys with
/// neither Type nor ImagePath are not services (the SCM ignores them) and are skipped.
/// </summary>
public sealed class WindowsServiceCollector(IRegistrySource registry) : ICollector
{
    public const string Kind = "windows-service";
    public const string ServicesKey = @"HKLM\SYSTEM\CurrentControlSet\Services";

    public string Category => SnapshotCategories.Services;

    public IEnumerable<SnapshotEntry> Collect(CollectionContext context)
    {
        var entries = new List<SnapshotEntry>();
        if (RegistryReading.TryOpen(registry, ServicesKey, context, Category) is not { } services)
        {
            return entries;
        }

        foreach (var name in services.SubKeyNames)
        {
            var keyPath = ServicesKey + "\\" + name;
            if (RegistryReading.TryOpen(registry, keyPath, context, Category) is not { } service)
            {
                continue;
            }

            var type = service.GetValue("Type")?.Number;
            var imagePath = service.GetValue("ImagePath");
            if (type is null && imagePath is null)
            {
                continue;
            }

            var start = service.GetValue("Start")?.Number;
            var serviceDll = (service.SubKeyNames.Contains("Parameters", StringComparer.OrdinalIgnoreCase)
                ? RegistryReading.TryOpen(registry, keyPath + @"\Parameters", context, Category)?.GetValue("ServiceDll")
                : null) ?? service.GetValue("ServiceDll");
            entries.Add(new SnapshotEntry(Kind, name, new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["imagePath"] = imagePath is null ? null : SecretMasker.MaskText(imagePath.ToText()),
                ["start"] = Number(start),
                ["startType"] = start is null ? null : StartTypeName(start.Value),
                ["type"] = Number(type),
                ["typeName"] = type is null ? null : TypeName(type.Value),
                ["objectName"] = service.GetValue("ObjectName")?.ToText(),
                ["displayName"] = service.GetValue("DisplayName")?.ToText(),
                ["serviceDll"] = serviceDll is null ? null : SecretMasker.MaskText(serviceDll.ToText()),
                ["delayedAutostart"] = service.GetValue("DelayedAutostart")?.Number is > 0 ? "true" : "false",
            }));
        }

        return entries;
    }

    /// <summary>The SERVICE_*_START name of a Start value.</summary>
    public static string StartTypeName(ulong start) => start switch
    {
        0 => "boot",
        1 => "system",
        2 => "automatic",
        3 => "manual",
        4 => "disabled",
        _ => "unknown",
    };

    /// <summary>The SERVICE_* type flags of a Type value, joined by "+", like "share-process" or "own-process+interactive".</summary>
    public static string TypeName(ulong type)
    {
        var names = new List<string>();
        if ((type & 0x1) != 0)
        {
            names.Add("kernel-driver");
        }

        if ((type & 0x2) != 0)
        {
            names.Add("file-system-driver");
        }

        if ((type & 0x4) != 0)
        {
            names.Add("adapter");
        }

        if ((type & 0x8) != 0)
        {
            names.Add("recognizer-driver");
        }

        if ((type & 0x10) != 0)
        {
            names.Add("own-process");
        }

        if ((type & 0x20) != 0)
        {
            names.Add("share-process");
        }

        if ((type & 0x40) != 0)
        {
            names.Add("user-service");
        }

        if ((type & 0x80) != 0)
        {
            names.Add("user-service-instance");
        }

        if ((type & 0x100) != 0)
        {
            names.Add("interactive");
        }

        if ((type & 0x200) != 0)
        {
            names.Add("pkg-service");
        }

        return names.Count == 0 ? "unknown" : string.Join('+', names);
    }

    private static string? Number(ulong? number) => number?.ToString(CultureInfo.InvariantCulture);
}
