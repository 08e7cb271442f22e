using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ballast.Io.Tests.Specs;

/// <summary>What the schema tests of the three input documents share: the repository root, YAML as the JSON a validator sees, readable evaluation errors.</summary>
internal static class SchemaSupport
{
    /// <summary>The folder holding Ballast.slnx.</summary>
    public static readonly string RepoRoot = FindRepoRoot();

    /// <summary>The failed evaluations, one line each.</summary>
    public static string Describe(EvaluationResults results) =>
        string.Join(Environment.NewLine, (results.Details ?? []).Prepend(results)
            .Where(r => r.Errors is { Count: > 0 })
            .SelectMany(r => r.Errors!.Select(e => $"{r.InstanceLocation} at {r.EvaluationPath}: {e.Key}: {e.Value}")));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ballast.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Ballast.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// YAML to the JSON a schema validator sees, with SpecDocument's scalar rules: a plain scalar that parses as a
    /// finite number (underscores allowed) is a number, a plain true or false a boolean, a plain null (empty, ~, null) is
    /// null, anything else,
    /// quoted scalars included, is a string.
    /// </summary>
    public static JsonElement YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = ToJson(Assert.Single(stream.Documents).RootNode);
        return JsonElement.Parse(root?.ToJsonString() ?? "null");
    }

    private static JsonNode? ToJson(YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                var text = scalar.Value ?? string.Empty;
                if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
                {
                    if (text is "" or "~" or "null" or "Null" or "NULL")
                    {
                        return null;
                    }

                    if (text is "true" or "false")
                    {
                        return JsonValue.Create(text == "true");
                    }

                    if (double.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
                    {
                        return JsonValue.Create(number);
                    }
                }

                return JsonValue.Create(text);
            case YamlSequenceNode sequence:
                return new JsonArray(sequence.Children.Select(ToJson).ToArray());
            case YamlMappingNode mapping:
                var map = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    map.Add(((YamlScalarNode)key).Value ?? string.Empty, ToJson(value));
                }

                return map;
            default:
                throw new NotSupportedException($"YAML node {node.NodeType}");
        }
    }
}
