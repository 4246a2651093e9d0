package console_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"porter"
	"testing"

	"github.com/chromedp/chromedp"

	"porter/storetest"
)

// browser is the one headless Chromium every test of this package shares;
// each test opens its own browser context (its own cookies) in it.
var (
	browser        context.Context
	browserMissing string
)

func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	// Tests create many users; a real argon2id hash costs ~0.5 s under -race.
	porter.LightPasswordHashing()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "console tests: Chromium is not installed, and CI must run the browser tests (apt-get install -y chromium)")
			return 1
		}
		browserMissing = "Chromium is not installed (apt-get install -y chromium): browser tests skipped"
		return storetest.Main(m)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // tests often run as root, where Chromium's sandbox refuses to start
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Only loopback: the browser resolves no other name and sends nothing
		// off this machine (no component updates, no safe browsing).
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("no-proxy-server", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	if err := chromedp.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "console tests: start Chromium:", err)
		return 1
	}
	browser = ctx
	return storetest.Main(m)
}
