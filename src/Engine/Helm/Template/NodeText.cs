using System.Text;

namespace Tide.Engine.Helm.Template;

/// <summary>A node printed back as template source, as Go's Node.String() does for error contexts.</summary>
internal static class NodeText
{
    public static string Of(Node node)
    {
        var sb = new StringBuilder();
        Append(sb, node);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, Node node)
    {
        switch (node)
        {
            case IdentifierNode id: sb.Append(id.Name); break;
            case FieldNode f: foreach (var i in f.Idents) sb.Append('.').Append(i); break;
            case VariableNode v: sb.AppendJoin('.', v.Idents); break;
            case ChainNode c:
                if (c.Target is PipeNode) { sb.Append('('); Append(sb, c.Target); sb.Append(')'); }
                else Append(sb, c.Target);
                foreach (var f in c.Fields) sb.Append('.').Append(f);
                break;
            case DotNode: sb.Append('.'); break;
            case NilNode: sb.Append("nil"); break;
            case BoolNode b: sb.Append(b.Value ? "true" : "false"); break;
            case NumberNode n: sb.Append(n.Text); break;
            case StringNode s: sb.Append(s.Quoted); break;
            case CommandNode cmd:
                for (var i = 0; i < cmd.Args.Count; i++)
                {
                    if (i > 0) sb.Append(' ');
                    if (cmd.Args[i] is PipeNode) { sb.Append('('); Append(sb, cmd.Args[i]); sb.Append(')'); }
                    else Append(sb, cmd.Args[i]);
                }
                break;
            case PipeNode p:
                if (p.Decl.Count > 0)
                    sb.AppendJoin(", ", p.Decl).Append(p.IsAssign ? " = " : " := ");
                for (var i = 0; i < p.Cmds.Count; i++)
                {
                    if (i > 0) sb.Append(" | ");
                    Append(sb, p.Cmds[i]);
                }
                break;
            case ActionNode a: sb.Append("{{"); Append(sb, a.Pipe); sb.Append("}}"); break;
            case BranchNode b: sb.Append("{{").Append(b.Kind).Append(' '); Append(sb, b.Pipe); sb.Append("}}"); break;
            case TemplateNode t: sb.Append("{{template \"").Append(t.Name).Append("\"}}"); break;
            case TextNode t: sb.Append(t.Text); break;
            default: sb.Append(node.GetType().Name); break;
        }
    }
}
