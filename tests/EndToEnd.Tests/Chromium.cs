using Microsoft.Playwright;

namespace Tide.EndToEnd.Tests;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium, installed by test.sh) driven headless by Playwright, whose driver ships in its
/// NuGet package: nothing is downloaded. Screenshots go to <see cref="ScreenshotDirectory"/>, under the test output.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright _playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>bin/Release/net10.0/ui-screenshots of this test project: the run's artifacts.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "ui-screenshots");

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>A page of a new context (its own storage) on a laptop-sized or phone-sized screen.</summary>
    public async Task<IPage> NewPageAsync(bool phone = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 800 },
            IsMobile = phone,
        });
        return await context.NewPageAsync();
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
