using Ballast.Io.Reports;

namespace Ballast.Io.Tests.Reports;

/// <summary>The report's policy list says what the spec says: calendar anchor and offset, check schedules, and the high regime's targets.</summary>
public sealed class HtmlPolicyTextTests
{
    private const string Spec = """
        name: conventions
        universe: [A, B]
        weights: { scheme: fixed, targets: { A: 0.6, B: 0.4 } }
        policies:
          - name: june-year-end
            trigger: { calendar: annual, anchor: period-end, offset: 6 }
          - name: quarter-start
            trigger: { calendar: quarterly }
          - name: band-checked-at-quarter-ends
            trigger: { drift: { absolute: 0.05 }, check: quarterly, anchor: period-end }
          - name: regime
            trigger:
              calendar: quarterly
              volatility: { window: 21, above: 0.25, weights: { scheme: fixed, targets: { A: 0.2, B: 0.8 } } }
        """;

    [Fact]
    public void PolicyList_NamesTheAnchorTheOffsetTheCheckScheduleAndTheRegimeTargets()
    {
        var html = HtmlReport.Render(HtmlReportTests.Outcome(Spec, 300));

        var list = html[html.IndexOf("<ol class=\"policies\">", StringComparison.Ordinal)..];
        Assert.Contains("<strong>june-year-end</strong><br>calendar annual (period-end, offset 6)<br>", list, StringComparison.Ordinal);
        Assert.Contains("<strong>quarter-start</strong><br>calendar quarterly<br>", list, StringComparison.Ordinal);
        Assert.Contains("<strong>band-checked-at-quarter-ends</strong><br>drift absolute ±5%, checked quarterly (period-end)<br>", list, StringComparison.Ordinal);
        Assert.Contains("is above 25% until it falls below 20%: calendar quarterly, targets A 20%, B 80% (the policy&#39;s own on leaving)<br>A 60%, B 40%<br>", list, StringComparison.Ordinal);
    }
}
