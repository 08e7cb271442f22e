using System.Text;

namespace Ballast.Io;

/// <summary>
/// Writes files atomically: the content goes to a temporary file beside the target, which is then renamed over it,
/// so a reader (or a crash) never sees half a file.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAllText(string path, string content) => Write(path, stream =>
    {
        var bytes = Utf8NoBom.GetBytes(content);
        stream.Write(bytes);
    });

    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>A text writer over a stream, UTF-8 without BOM, '\n' line ends.</summary>
    public static StreamWriter Text(Stream stream) => new(stream, Utf8NoBom, 1 << 16, leaveOpen: true) { NewLine = "\n" };
}
