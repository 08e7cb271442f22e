using System.Numerics;
using Ballast.Io.Specs;

namespace Ballast.Io.Tests.Specs;

/// <summary>The typed values of <see cref="NodeReader"/>: each reads what it should and refuses the rest at file:line:column (field).</summary>
public class NodeReaderTests
{
    /// <summary>The node of <c>v</c> in the one-line YAML document <c>v: TEXT</c>, named t.yaml.</summary>
    private static SpecNode Value(string text) => NodeReader.Get((MapNode)SpecDocument.Parse($"v: {text}\n", "t.yaml"), "v")!;

    private static string Refused(Func<SpecNode, object> read, string text) =>
        Assert.Throws<BallastInputException>(() => read(Value(text))).Message;

    [Theory]
    [InlineData("5", 1, 10, 5)]
    [InlineData("1_000", 0, 5000, 1000)]
    [InlineData("1e3", 0, 5000, 1000)]
    public void Int_InRange_ReadsTheWholeNumber(string text, int min, int max, int expected) =>
        Assert.Equal(expected, NodeReader.Int(Value(text), "v", min, max));

    [Theory]
    [InlineData("0", "t.yaml:1:4 (v): expected a whole number from 1 to 10, found '0'")]
    [InlineData("11", "t.yaml:1:4 (v): expected a whole number from 1 to 10, found '11'")]
    [InlineData("2.5", "t.yaml:1:4 (v): expected a whole number from 1 to 10, found '2.5'")]
    [InlineData("'5'", "t.yaml:1:4 (v): expected a whole number from 1 to 10, found the string \"5\"")]
    public void Int_OutOfRangeOrNotANumber_NamesTheRange(string text, string expected) =>
        Assert.Equal(expected, Refused(n => NodeReader.Int(n, "v", 1, 10), text));

    [Fact]
    public void Int_WithoutUpperBound_SaysAtLeast() =>
        Assert.Equal("t.yaml:1:4 (v): expected a whole number >= 1, found '0'", Refused(n => NodeReader.Int(n, "v", 1), "0"));

    [Theory]
    [InlineData("0.29", 2, "29")]
    [InlineData("1.13", 2, "113")]
    [InlineData("1_000.5", 6, "1000500000")]
    [InlineData("2.5e-3", 6, "2500")]
    [InlineData("0.0000019", 6, "1")]
    [InlineData("0.1", 18, "100000000000000000")]
    public void BaseUnits_ReadsTheTextExactlyAndRoundsDown(string text, int decimals, string expected) =>
        Assert.Equal(UInt128.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), NodeReader.BaseUnits(Value(text), "v", decimals, BigInteger.Pow(10, 30)));

    [Theory]
    [InlineData("-1", "expected a non-negative number, found '-1'")]
    [InlineData("1e25", "'1e25' is too large (at most 1E+24 whole units)")]
    [InlineData("1e999999", "expected a non-negative number, found '1e999999'")]
    [InlineData("abc", "expected a non-negative number, found 'abc'")]
    [InlineData("1.2.3", "expected a non-negative number, found '1.2.3'")]
    public void BaseUnits_Refused_NamesTheField(string text, string expected) =>
        Assert.Equal($"t.yaml:1:4 (v): {expected}", Refused(n => NodeReader.BaseUnits(n, "v", 6, BigInteger.Pow(10, 30)), text));

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Bool_ReadsTrueAndFalse(string text, bool expected) => Assert.Equal(expected, NodeReader.Bool(Value(text), "v", !expected));

    [Fact]
    public void Bool_Other_IsRefused() =>
        Assert.Equal("t.yaml:1:4 (v): expected true or false, found 'yes'", Refused(n => NodeReader.Bool(n, "v", false), "yes"));

    [Fact]
    public void Date_MonthOnly_IsRefusedWhereADayIsNeeded()
    {
        Assert.Equal(new DateOnly(2004, 12, 31), NodeReader.Date(Value("2004-12"), "v"));
        Assert.Equal("t.yaml:1:4 (v): expected a date (YYYY-MM-DD), found '2004-12'", Refused(n => NodeReader.Date(n, "v", allowMonth: false), "2004-12"));
    }

    [Fact]
    public void Duration_ReadsSuffixesAndRefusesOthersAtTheNode()
    {
        Assert.Equal(7 * 86_400, NodeReader.Duration(Value("7d"), "v"));
        Assert.StartsWith("t.yaml:1:4 (v): cannot read duration '2x'", Refused(n => NodeReader.Duration(n, "v"), "2x"), StringComparison.Ordinal);
    }

    [Fact]
    public void Choice_Misspelt_SuggestsTheClosest() =>
        Assert.Equal("t.yaml:1:4 (v): unknown value 'evry-row'; expected one of: every-row, none (did you mean 'every-row'?)", Refused(n => NodeReader.Choice(n, "v", ["every-row", "none"]), "evry-row"));

    [Fact]
    public void CheckKeys_FarFromEveryKey_ListsTheKnownKeys()
    {
        var map = (MapNode)SpecDocument.Parse("a: 1\nzzzzzz: 2\n", "t.yaml");

        var e = Assert.Throws<BallastInputException>(() => NodeReader.CheckKeys(map, ["a", "b"], "block"));

        Assert.Equal("t.yaml:2:1 (block.zzzzzz): unknown key 'zzzzzz'; known keys here: a, b", e.Message);
    }

    [Fact]
    public void Required_Missing_NamesTheKeyAndWhatItIs()
    {
        var map = (MapNode)SpecDocument.Parse("a: 1\n", "t.yaml");

        var e = Assert.Throws<BallastInputException>(() => NodeReader.Required(map, "b", "block", "the b of the block"));

        Assert.Equal("t.yaml:1:1 (block.b): missing b: the b of the block", e.Message);
    }
}
