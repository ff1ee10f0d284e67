using System.Text;

namespace Tide.Engine.Decryption;

internal sealed record AgeStanza(string Type, IReadOnlyList<string> Args, byte[] Body);

/// <summary>The text header of an age v1 file: stanzas, the bytes its MAC covers, the MAC and where the payload starts.</summary>
internal sealed record AgeHeader(IReadOnlyList<AgeStanza> Stanzas, byte[] MacInput, byte[] Mac, int PayloadOffset)
{
    public static AgeHeader Parse(byte[] file)
    {
        var pos = 0;
        string ReadLine()
        {
            var end = Array.IndexOf(file, (byte)'\n', pos);
            if (end < 0)
                throw new SopsDecryptionException("age header is truncated");
            var line = Encoding.ASCII.GetString(file, pos, end - pos);
            pos = end + 1;
            return line;
        }

        if (ReadLine() != "age-encryption.org/v1")
            throw new SopsDecryptionException("not an age v1 file");
        var stanzas = new List<AgeStanza>();
        while (true)
        {
            var lineStart = pos;
            var line = ReadLine();
            if (line.StartsWith("---", StringComparison.Ordinal))
            {
                var macInput = file.AsSpan(0, lineStart + 3).ToArray();
                var parts = line.Split(' ');
                if (parts.Length != 2)
                    throw new SopsDecryptionException("malformed age header MAC line");
                return new AgeHeader(stanzas, macInput, DecodeBase64(parts[1]), pos);
            }
            if (!line.StartsWith("-> ", StringComparison.Ordinal))
                throw new SopsDecryptionException("malformed age stanza");
            var args = line[3..].Split(' ');
            var body = new StringBuilder();
            while (true)
            {
                var bodyLine = ReadLine();
                body.Append(bodyLine);
                if (bodyLine.Length < 64)
                    break;
            }
            stanzas.Add(new AgeStanza(args[0], args[1..], DecodeBase64(body.ToString())));
        }
    }

    /// <summary>Unpadded standard base64, as age writes it.</summary>
    public static byte[] DecodeBase64(string text)
    {
        if (text.Contains('='))
            throw new SopsDecryptionException("age header has padded base64");
        try
        {
            return Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
        }
        catch (FormatException)
        {
            throw new SopsDecryptionException("age header is not valid base64");
        }
    }
}
