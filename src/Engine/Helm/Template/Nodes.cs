namespace Tide.Engine.Helm.Template;

// The parse tree of Go's text/template. Pos is a byte offset into the source, kept for Go-style error locations.
internal abstract record Node(int Pos);

internal sealed record ListNode(int Pos, List<Node> Nodes) : Node(Pos);

internal sealed record TextNode(int Pos, string Text) : Node(Pos);

internal sealed record ActionNode(int Pos, PipeNode Pipe) : Node(Pos);

internal sealed record PipeNode(int Pos, bool IsAssign, List<string> Decl, List<CommandNode> Cmds) : Node(Pos);

internal sealed record CommandNode(int Pos, List<Node> Args) : Node(Pos);

/// <summary>if / range / with: the same shape, as in Go's BranchNode.</summary>
internal sealed record BranchNode(int Pos, string Kind, PipeNode Pipe, ListNode List, ListNode? ElseList) : Node(Pos);

internal sealed record TemplateNode(int Pos, string Name, PipeNode? Pipe) : Node(Pos);

internal sealed record BreakNode(int Pos) : Node(Pos);

internal sealed record ContinueNode(int Pos) : Node(Pos);

internal sealed record IdentifierNode(int Pos, string Name) : Node(Pos);

internal sealed record FieldNode(int Pos, string[] Idents) : Node(Pos);

internal sealed record VariableNode(int Pos, string[] Idents) : Node(Pos);

internal sealed record ChainNode(int Pos, Node Target, string[] Fields) : Node(Pos);

internal sealed record DotNode(int Pos) : Node(Pos);

internal sealed record NilNode(int Pos) : Node(Pos);

internal sealed record BoolNode(int Pos, bool Value) : Node(Pos);

/// <summary>A number constant: ints are Go `int`, other numbers float64 (Go's ideal-constant rule for interface{} args).</summary>
internal sealed record NumberNode(int Pos, string Text, object Value) : Node(Pos);

internal sealed record StringNode(int Pos, string Quoted, string Text) : Node(Pos);

/// <summary>A parsed template body plus the source text it came from, for locations in errors.</summary>
/// <remarks>Name is the parse name used in locations (the file); TemplateName is what Go reports as "executing"
/// (the define's own name for {{define}} bodies).</remarks>
internal sealed record ParsedTree(string Name, string Source, ListNode Root)
{
    public string TemplateName { get; init; } = Name;
}
