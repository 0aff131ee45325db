using System.Text.RegularExpressions;

namespace AksRunCommand;

/// <summary>
/// Which clusters of a subscription <see cref="AksRunCommandClient.ListClustersAsync"/> yields. Every condition given must
/// hold (AND): the cluster is in one of <see cref="ResourceGroups"/> (when any are given), and for each tag key named in
/// <see cref="Tags"/>, the cluster has that tag with one of the values given for the key (OR among the values of one
/// key; a bare key means the tag is present, whatever its value). An empty filter selects every cluster.
/// Resource group names and tag keys are compared case-insensitively, tag values exactly, as ARM does.
/// </summary>
public sealed partial class ClusterFilter
{
    /// <summary>The longest tag key ARM accepts: 512 characters.</summary>
    public const int MaxTagKeyLength = 512;

    /// <summary>The longest tag value ARM accepts: 256 characters.</summary>
    public const int MaxTagValueLength = 256;

    private List<string> _resourceGroups = [];
    private IReadOnlyList<string> _tags = [];
    private List<(string Key, string? Value)> _tagConditions = [];

    /// <summary>Selects every cluster; set <see cref="ResourceGroups"/> or <see cref="Tags"/> to narrow it.</summary>
    public ClusterFilter()
    {
    }

    /// <summary>Selects the clusters in <paramref name="resourceGroups"/> that carry <paramref name="tags"/> (see <see cref="Tags"/>).</summary>
    /// <exception cref="ArgumentException">A resource group name or a tag condition breaks its rule; the message names it and the rule.</exception>
    public ClusterFilter(IEnumerable<string>? resourceGroups, IEnumerable<string>? tags = null)
    {
        ResourceGroups = resourceGroups?.ToList() ?? [];
        Tags = tags?.ToList() ?? [];
    }

    /// <summary>
    /// The resource groups to list (one list request each, instead of one for the whole subscription); empty (the default)
    /// for the whole subscription. Each is 1 to 90 letters, digits, '-', '_', '.', '(' or ')', and none is given twice
    /// (names are case-insensitive).
    /// </summary>
    /// <exception cref="ArgumentException">A name breaks the rule or is given twice.</exception>
    public IReadOnlyList<string> ResourceGroups
    {
        get => _resourceGroups;
        set => _resourceGroups = ValidateResourceGroups(value ?? throw new ArgumentNullException(nameof(ResourceGroups)));
    }

    /// <summary>
    /// Tag conditions, each <c>key=value</c> (the tag <c>key</c> has exactly <c>value</c>; the first '=' ends the key) or
    /// <c>key</c> (the tag is present, any value). Keys are 1 to 512 characters, not blank, case-insensitive; values are at
    /// most 256 characters and compared exactly (<c>env=</c> selects an empty value). Conditions on one key are ORed
    /// (<c>env=prod</c> and <c>env=staging</c> select both), conditions on different keys are ANDed. Empty by default.
    /// </summary>
    /// <exception cref="ArgumentException">A condition breaks the rule or is given twice.</exception>
    public IReadOnlyList<string> Tags
    {
        get => _tags;
        set
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Tags));
            _tagConditions = ParseTags(value);
            _tags = [.. value];
        }
    }

    /// <summary>True when <paramref name="cluster"/> meets every condition of this filter (the definition above, in one place).</summary>
    public bool Matches(ManagedClusterInfo cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (_resourceGroups.Count > 0 && !_resourceGroups.Contains(cluster.Id.ResourceGroupName, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var key in _tagConditions.Select(c => c.Key).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (!cluster.Tags.TryGetValue(key, out var actual))
            {
                return false;
            }

            var matchesOne = _tagConditions.Any(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase) && (c.Value is null || string.Equals(c.Value, actual, StringComparison.Ordinal)));
            if (!matchesOne)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The conditions as the command line writes them: <c>--resource-group a --tag env=prod</c>; empty for no condition.</summary>
    public override string ToString() =>
        string.Join(' ', _resourceGroups.Select(g => "--resource-group " + g).Concat(_tags.Select(t => "--tag " + t)));

    private static List<string> ValidateResourceGroups(IReadOnlyList<string> names)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var valid = new List<string>(names.Count);
        foreach (var name in names)
        {
            if (name is null || name.Length is 0 or > 90 || !ResourceGroupNameRegex().IsMatch(name))
            {
                throw new ArgumentException(
                    $"ResourceGroups: '{name}' is not a resource group name: it must be 1 to 90 letters, digits, '-', '_', '.', '(' or ')' (pattern {ClusterId.ResourceGroupNamePattern}).",
                    nameof(ResourceGroups));
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"ResourceGroups: '{name}' is given twice (resource group names are case-insensitive).", nameof(ResourceGroups));
            }

            valid.Add(name);
        }

        return valid;
    }

    private static List<(string Key, string? Value)> ParseTags(IReadOnlyList<string> conditions)
    {
        var parsed = new List<(string Key, string? Value)>(conditions.Count);
        foreach (var condition in conditions)
        {
            if (condition is null)
            {
                throw new ArgumentException("Tags: a condition is null; write key=value or key.", nameof(Tags));
            }

            var equals = condition.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? condition : condition[..equals];
            var value = equals < 0 ? null : condition[(equals + 1)..];
            if (string.IsNullOrWhiteSpace(key) || key.Length > MaxTagKeyLength)
            {
                throw new ArgumentException(
                    $"Tags: '{condition}' has {(key.Length == 0 ? "an empty" : key.Length > MaxTagKeyLength ? "a too long" : "a blank")} key: write key=value (the value exact) or key (the tag present), the key 1 to {MaxTagKeyLength} characters and not blank.",
                    nameof(Tags));
            }

            if (value is { Length: > MaxTagValueLength })
            {
                throw new ArgumentException($"Tags: '{key}=...' has a value of {value.Length} characters; ARM's tag values are at most {MaxTagValueLength}.", nameof(Tags));
            }

            if (parsed.Exists(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase) && string.Equals(p.Value, value, StringComparison.Ordinal)))
            {
                throw new ArgumentException($"Tags: '{condition}' is given twice (tag keys are case-insensitive).", nameof(Tags));
            }

            parsed.Add((key, value));
        }

        return parsed;
    }

    [GeneratedRegex(ClusterId.ResourceGroupNameAnchoredPattern, RegexOptions.CultureInvariant)]
    private static partial Regex ResourceGroupNameRegex();
}
