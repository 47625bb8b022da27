using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Coverage.Engine.Catalogue;

/// <summary>
/// How much a catalogue file may make the loader build, checked on the YAML parser's events before anything is
/// deserialized. An alias names a node the file already holds: YamlDotNet shares the object, but the loader walks it
/// as often as it is named, so a few lines of anchors naming anchors ("billion laughs") are billions of criteria to
/// check, and a candidate catalogue is anyone's upload (the workbench's impact page). Deep nesting recurses in the
/// deserializer and in the loader until the stack runs out, which ends the process rather than failing a request.
/// So the nodes and the depth are counted as the loader will see them: an alias as the nodes it names.
/// </summary>
internal static class YamlBounds
{
    /// <summary>Far deeper than any policy (criteria in groups in statements in versions are about 20 levels).</summary>
    public const int MaxDepth = 64;

    /// <summary>Nodes of one file, aliases counted as what they name: a 10 MB file of short values is about as many.</summary>
    public const long MaxNodes = 2_000_000;

    /// <summary>
    /// Aliases may make a file at most this many times the nodes it writes (beyond <see cref="AliasAllowance"/>): a
    /// policy repeats a statement or two, a bomb multiplies. Without it one upload of a thousand small policy files, each
    /// just under <see cref="MaxNodes"/>, would still be billions of nodes to walk.
    /// </summary>
    public const int AliasFactor = 10;

    /// <summary>Nodes aliases may add to any file, however small.</summary>
    public const long AliasAllowance = 10_000;

    /// <summary>Why the text would build too much, and where; null when it is within the bounds.</summary>
    public static (string Reason, Mark At)? Check(string text)
    {
        var parser = new Parser(new StringReader(text));
        var sizes = new Dictionary<AnchorName, (long Nodes, int Height)>();
        // Each open mapping or sequence: its anchor, the nodes counted before it began, the height of its deepest child.
        var open = new List<(AnchorName Anchor, long Before, int Height)>();
        long counted = 0, written = 0;
        Mark firstAlias = default;
        var aliased = false;
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            if (current is NodeEvent or AnchorAlias) written++;
            AnchorName anchor;
            long nodes;
            int height;
            switch (current)
            {
                case MappingStart or SequenceStart:
                    if (open.Count + 1 > MaxDepth) return ($"nested more than {MaxDepth} levels deep", current.Start);
                    open.Add((((NodeEvent)current).Anchor, counted, 0));
                    counted++;
                    continue;
                case MappingEnd or SequenceEnd:
                    (anchor, var before, var deepest) = open[^1];
                    open.RemoveAt(open.Count - 1);
                    (nodes, height) = (counted - before, deepest + 1);
                    break;
                case Scalar scalar:
                    (anchor, nodes, height) = (scalar.Anchor, 1, 1);
                    counted++;
                    break;
                case AnchorAlias alias:
                    // An unknown anchor is the deserializer's error to report; here it is one node.
                    anchor = AnchorName.Empty;
                    if (!aliased) (firstAlias, aliased) = (current.Start, true);
                    (nodes, height) = sizes.GetValueOrDefault(alias.Value, (1, 1));
                    if (open.Count + height > MaxDepth) return ($"the alias *{alias.Value} makes it nested more than {MaxDepth} levels deep", current.Start);
                    counted += nodes;
                    break;
                default:
                    continue;
            }
            if (counted > MaxNodes)
                return ($"it amounts to more than {MaxNodes:N0} values once its aliases are read as what they name (anchors and aliases that repeat each other multiply)", current.Start);
            if (!anchor.IsEmpty) sizes[anchor] = (nodes, height);
            if (open.Count > 0 && open[^1].Height < height) open[^1] = open[^1] with { Height = height };
        }
        if (counted > AliasAllowance && counted > AliasFactor * written)
            return ($"its aliases make its {written:N0} values {counted:N0} once read as what they name (more than {AliasFactor} times as many)", firstAlias);
        return null;
    }
}
