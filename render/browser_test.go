package render

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds headless Chromium. Missing Chromium fails the test in
// CI (CI set) and skips it elsewhere.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	msg := "chromium not found: install it with `apt-get install -y chromium` to run the browser test"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " (CI is set, so this is a failure)")
	}
	t.Skip(msg)
	return ""
}

// startBrowser starts headless Chromium for the test and returns its
// context and the screenshot directory ($OOMLENS_SCREENSHOT_DIR if set).
func startBrowser(t *testing.T) (context.Context, string) {
	t.Helper()
	exe := chromiumPath(t)
	shots := os.Getenv("OOMLENS_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	// The profile directory is removed by hand: Chromium may still be
	// writing to it for a moment after it is told to exit, which makes
	// t.TempDir's strict cleanup fail the test.
	profile, err := os.MkdirTemp("", "oomlens-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := 0; i < 20; i++ {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Run(bctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return bctx, shots
}

// TestHTMLInBrowser loads every HTML report in headless Chromium from a
// file:// URL and fails on any console error, uncaught exception, CSP
// violation or network request; it checks that every kill card and finding
// is there (with scripts on and off), that the data island parses, and
// saves a full-page screenshot (to $OOMLENS_SCREENSHOT_DIR if set).
func TestHTMLInBrowser(t *testing.T) {
	bctx, shots := startBrowser(t)
	dir := t.TempDir()
	for _, c := range cases {
		rep := c.rep()
		var html bytes.Buffer
		if err := HTML(&html, rep); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, c.name+".html")
		if err := os.WriteFile(file, html.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		url := "file://" + file
		findings := 0
		for _, k := range rep.Kills {
			findings += len(k.Findings)
		}
		for _, scripts := range []bool{true, false} {
			name := c.name
			if !scripts {
				name += "-noscript"
			}
			t.Run(name, func(t *testing.T) {
				ctx, cancel := chromedp.NewContext(bctx)
				defer cancel()
				ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
				defer cancel()
				var mu sync.Mutex
				var problems []string
				report := func(format string, a ...any) {
					mu.Lock()
					problems = append(problems, fmt.Sprintf(format, a...))
					mu.Unlock()
				}
				chromedp.ListenTarget(ctx, func(ev any) {
					switch e := ev.(type) {
					case *network.EventRequestWillBeSent:
						if e.Request.URL != url {
							report("network request: %s", e.Request.URL)
						}
					case *runtime.EventConsoleAPICalled:
						if e.Type == runtime.APITypeError || e.Type == runtime.APITypeWarning {
							var args []string
							for _, a := range e.Args {
								args = append(args, string(a.Value)+a.Description)
							}
							report("console %s: %s", e.Type, strings.Join(args, " "))
						}
					case *runtime.EventExceptionThrown:
						report("exception: %s", e.ExceptionDetails.Error())
					case *cdplog.EventEntryAdded:
						if e.Entry.Level == cdplog.LevelError || e.Entry.Level == cdplog.LevelWarning {
							report("log %s: %s %s", e.Entry.Level, e.Entry.Text, e.Entry.URL)
						}
					}
				})
				var cards, nfindings, islandKills int
				var ids []string
				var png []byte
				actions := []chromedp.Action{network.Enable(), cdplog.Enable()}
				if !scripts {
					actions = append(actions, emulation.SetScriptExecutionDisabled(true))
				}
				actions = append(actions,
					chromedp.Navigate(url),
					chromedp.WaitReady("footer", chromedp.ByQuery),
					chromedp.Evaluate(`document.querySelectorAll("article.kill").length`, &cards),
					chromedp.Evaluate(`document.querySelectorAll("article.kill li.finding").length`, &nfindings),
					chromedp.Evaluate(`Array.from(document.querySelectorAll("article.kill")).map(e => e.id)`, &ids),
					chromedp.Evaluate(`JSON.parse(document.getElementById("oomlens-report").textContent).kills.length`, &islandKills),
				)
				if scripts {
					actions = append(actions, chromedp.FullScreenshot(&png, 100))
				}
				if err := chromedp.Run(ctx, actions...); err != nil {
					t.Fatalf("loading %s: %v", url, err)
				}
				// Let late console messages and requests arrive.
				_ = chromedp.Run(ctx, chromedp.Sleep(200*time.Millisecond))
				mu.Lock()
				for _, p := range problems {
					t.Error(p)
				}
				mu.Unlock()
				if cards != len(rep.Kills) {
					t.Errorf("%d kill cards, want %d", cards, len(rep.Kills))
				}
				for i := range rep.Kills {
					want := fmt.Sprintf("kill-%d", i+1)
					if i >= len(ids) || ids[i] != want {
						t.Errorf("kill card %d has id %v, want %s", i+1, ids, want)
					}
				}
				if nfindings != findings {
					t.Errorf("%d findings shown, want %d", nfindings, findings)
				}
				if islandKills != len(rep.Kills) {
					t.Errorf("data island has %d kills, want %d", islandKills, len(rep.Kills))
				}
				if png != nil {
					out := filepath.Join(shots, c.name+".png")
					if err := os.WriteFile(out, png, 0o644); err != nil {
						t.Fatal(err)
					}
					t.Logf("screenshot: %s", out)
				}
			})
		}
	}
}
