namespace Tenantra.Agent.Collectors.Windows;

/// <summary>
/// A registry held in memory, filled from a Registry Editor export (<see cref="RegFileParser"/>)
/// or by tests. Creating a key creates its parents, as importing a .reg file does. Subkeys and
/// values keep the order they were added in; names compare case-insensitively.
/// </summary>
public sealed class InMemoryRegistry : IRegistrySource
{
    private readonly Dictionary<string, Node> _hives = new(StringComparer.OrdinalIgnoreCase);

    public RegistryKeyView? OpenKey(string path)
    {
        if (RegistryPath.Split(path) is not { } split || !_hives.TryGetValue(split.Hive, out var node))
        {
            return null;
        }

        foreach (var segment in Segments(split.SubPath))
        {
            if (!node.Children.TryGetValue(segment, out var child))
            {
                return null;
            }

            node = child;
        }

        return new RegistryKeyView(
            RegistryPath.Join(split.Hive, split.SubPath),
            [.. node.ChildOrder.Select(child => child.Name)],
            [.. node.ValueOrder]);
    }

    /// <summary>Creates the key and its parents if needed. Throws <see cref="ArgumentException"/> for an unknown hive.</summary>
    public void CreateKey(string path) => Walk(path);

    /// <summary>Sets a value (replacing one of the same name), creating the key if needed.</summary>
    public void SetValue(string keyPath, RegistryValue value)
    {
        var node = Walk(keyPath);
        if (node.Values.TryGetValue(value.Name, out var existing))
        {
            node.ValueOrder[node.ValueOrder.IndexOf(existing)] = value;
        }
        else
        {
            node.ValueOrder.Add(value);
        }

        node.Values[value.Name] = value;
    }

    private Node Walk(string path)
    {
        var split = RegistryPath.Split(path) ?? throw new ArgumentException($"Unknown registry hive in '{path}'.", nameof(path));
        if (!_hives.TryGetValue(split.Hive, out var node))
        {
            node = new Node(split.Hive);
            _hives[split.Hive] = node;
        }

        foreach (var segment in Segments(split.SubPath))
        {
            if (!node.Children.TryGetValue(segment, out var child))
            {
                child = new Node(segment);
                node.Children[segment] = child;
                node.ChildOrder.Add(child);
            }

            node = child;
        }

        return node;
    }

    private static string[] Segments(string subPath) =>
        subPath.Split('\\', StringSplitOptions.RemoveEmptyEntries);

    private sealed class Node(string name)
    {
        public string Name { get; } = name;

        public Dictionary<string, Node> Children { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<Node> ChildOrder { get; } = [];

        public Dictionary<string, RegistryValue> Values { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<RegistryValue> ValueOrder { get; } = [];
    }
}
