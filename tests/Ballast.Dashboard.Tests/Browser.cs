using Microsoft.Playwright;

namespace Ballast.Dashboard.Tests;

/// <summary>
/// Debian's chromium driven by Playwright (browsers cannot be downloaded here, so the executable is given:
/// BALLAST_CHROMIUM, else chromium on PATH). Without it a test fails with a clear message in CI (CI=true) and is
/// skipped with that message elsewhere. Pages are screenshotted on failure (and on request) into the test output
/// folder's screenshots/, or into BALLAST_SCREENSHOTS when set; each path is printed.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    public static string ScreenshotFolder => Environment.GetEnvironmentVariable("BALLAST_SCREENSHOTS") is { Length: > 0 } folder
        ? folder
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>The chromium executable, or null with the reason.</summary>
    public static (string? Path, string Reason) FindChromium()
    {
        if (Environment.GetEnvironmentVariable("BALLAST_CHROMIUM") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? (configured, string.Empty) : (null, $"BALLAST_CHROMIUM names {configured}, which does not exist");
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return (candidate, string.Empty);
                }
            }
        }

        return (null, "chromium is not installed (not on PATH, BALLAST_CHROMIUM unset): install it with `apt-get install -y chromium` (.ci/run does)");
    }

    /// <summary>Launches chromium headless with one page; fails (CI) or skips (elsewhere) when there is none.</summary>
    public static async Task<Browser> LaunchAsync()
    {
        var (path, reason) = FindChromium();
        if (path is null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail($"the dashboard's browser tests need chromium in CI: {reason}");
            }

            Assert.Skip($"the dashboard's browser tests need chromium: {reason}");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = path,
                Headless = true,
                // Chromium refuses to run its sandbox as root (CI machines run as root).
                Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
            });
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
            page.SetDefaultTimeout(20_000);
            // Expectations retry until they hold; Playwright's 5 s default failed on a machine at load average 60
            // (the first /openapi/v1.json took 5.9 s), so they get the page's 20 s too.
            Assertions.SetDefaultExpectTimeout(20_000);
            return new Browser(playwright, browser, page);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Saves a full-page screenshot as NAME.png and prints where.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var file = Path.Combine(ScreenshotFolder, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        TestContext.Current.SendDiagnosticMessage($"screenshot: {file}");
        Console.WriteLine($"screenshot: {file}");
        return file;
    }

    /// <summary>Runs <paramref name="steps"/>; on failure screenshots the page as NAME-failed.png (path in the failure message) and rethrows.</summary>
    public async Task StepsAsync(string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (Exception e)
        {
            var file = await ScreenshotAsync(name + "-failed");
            throw new InvalidOperationException($"{e.Message} (screenshot of the page: {file})", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
