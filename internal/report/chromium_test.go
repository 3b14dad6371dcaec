package report

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromiumPage is what headless Chromium did with one page.
type chromiumPage struct {
	// Console holds the page's console messages and uncaught exceptions.
	Console []string
	// Output is Chromium's combined output (with --dump-dom, the DOM).
	Output string
	// Duration is how long Chromium ran.
	Duration time.Duration
}

// openInChromium loads pageURL in headless Chromium with extra flags
// (--screenshot=..., --dump-dom) in the fresh profile directory profile,
// through proc.Run. The console is read from the lines Chromium logs
// (with --enable-logging=stderr) for a page's console messages and
// uncaught exceptions, e.g.
// `[10645:10645:1127/140358.478187:INFO:CONSOLE:1] "Uncaught Error: x", source: file:///r.html (1)`.
func openInChromium(bin, profile, pageURL string, flags ...string) (chromiumPage, error) {
	argv := []string{bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
		"--disable-breakpad", "--mute-audio", "--hide-scrollbars", "--force-color-profile=srgb",
		"--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile}
	argv = append(append(argv, flags...), pageURL)
	res, err := proc.Run(context.Background(), proc.Cmd{Argv: argv, Timeout: 90 * time.Second})
	switch {
	case err != nil:
		return chromiumPage{}, err
	case res.TimedOut:
		return chromiumPage{}, fmt.Errorf("chromium timed out on %s:\n%s", pageURL, res.Output)
	case res.ExitCode != 0:
		return chromiumPage{}, fmt.Errorf("chromium exited %d on %s:\n%s", res.ExitCode, pageURL, res.Output)
	}
	page := chromiumPage{Output: string(res.Output), Duration: res.Duration}
	console := regexp.MustCompile(`(?m)^\[[^\]]*:CONSOLE[^\]]*\] (.*)$`)
	for _, m := range console.FindAllStringSubmatch(page.Output, -1) {
		page.Console = append(page.Console, m[1])
	}
	return page, nil
}

// fileURL is the file:// address of a local file, with an optional
// fragment.
func fileURL(t *testing.T, file, fragment string) string {
	t.Helper()
	abs, err := filepath.Abs(file)
	require.NoError(t, err)
	u := url.URL{Scheme: "file", Path: abs, Fragment: fragment}
	return u.String()
}

// cssColour is the colour the report's style sheet gives a variable.
func cssColour(t *testing.T, name string) [3]uint8 {
	t.Helper()
	m := regexp.MustCompile(`--` + regexp.QuoteMeta(name) + `: #([0-9a-f]{6});`).FindStringSubmatch(htmlCSS)
	require.NotNil(t, m, "no --%s colour in the style sheet", name)
	var c [3]uint8
	for i := range c {
		v, err := strconv.ParseUint(m[1][2*i:2*i+2], 16, 8)
		require.NoError(t, err)
		c[i] = uint8(v)
	}
	return c
}

// countColour counts the pixels of img within 2 per channel of c.
func countColour(img image.Image, c [3]uint8) int {
	near := func(a uint32, b uint8) bool {
		d := int(a>>8) - int(b)
		return d >= -2 && d <= 2
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, c[0]) && near(g, c[1]) && near(bl, c[2]) {
				n++
			}
		}
	}
	return n
}

// TestHTMLInChromium opens the recorded run's report in headless Chromium:
// no console message or uncaught exception, a screenshot that shows the
// coloured grid, and a crash cell's details open when the page is loaded
// at its anchor (what a click on the grid cell does). A page with a
// deliberate console error and exception proves the console check sees
// them.
func TestHTMLInChromium(t *testing.T) {
	bin := requireTool(t, "chromium", "chromium")
	run, page := recordedHTML(t)
	dir := t.TempDir()
	report := filepath.Join(dir, "report.html")
	require.NoError(t, os.WriteFile(report, []byte(page), 0o644))
	bad := filepath.Join(dir, "bad.html")
	require.NoError(t, os.WriteFile(bad, []byte(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>bad</title></head>
<body><p>deliberately broken</p><script>console.error("deliberate console error"); throw new Error("deliberate exception");</script></body></html>
`), 0o644))
	crash := -1
	for i, c := range run.Cells {
		if c.Outcome == record.Crash && !c.Flaky {
			crash = i
			break
		}
	}
	require.GreaterOrEqual(t, crash, 0, "the recorded run has a crash")
	anchor := cellAnchors(run.Cells)[crash]
	shot := filepath.Join(dir, "report.png")

	// Chromium starts slowly: the three pages load at the same time.
	jobs := []struct {
		url   string
		flags []string
		page  chromiumPage
		err   error
	}{
		{url: fileURL(t, report, ""), flags: []string{"--window-size=1280,1600", "--screenshot=" + shot}},
		{url: fileURL(t, report, anchor), flags: []string{"--dump-dom"}},
		{url: fileURL(t, bad, ""), flags: []string{"--dump-dom"}},
	}
	var wg sync.WaitGroup
	for i := range jobs {
		profile := t.TempDir()
		wg.Go(func() { jobs[i].page, jobs[i].err = openInChromium(bin, profile, jobs[i].url, jobs[i].flags...) })
	}
	wg.Wait()
	for _, j := range jobs {
		require.NoError(t, j.err)
		t.Logf("chromium %s: %s", j.url, j.page.Duration.Round(time.Millisecond))
	}
	screenshot, clicked, broken := jobs[0].page, jobs[1].page, jobs[2].page

	t.Run("no console errors", func(t *testing.T) {
		assert.Empty(t, screenshot.Console, "console of the report")
		assert.Empty(t, clicked.Console, "console of the report at #%s", anchor)
	})

	t.Run("the console check sees errors", func(t *testing.T) {
		assert.Contains(t, broken.Console, `"deliberate console error", source: `+fileURL(t, bad, "")+` (2)`)
		assert.Contains(t, broken.Console, `"Uncaught Error: deliberate exception", source: `+fileURL(t, bad, "")+` (2)`)
	})

	t.Run("screenshot shows the grid", func(t *testing.T) {
		data, err := os.ReadFile(shot)
		require.NoError(t, err)
		img, err := png.Decode(bytes.NewReader(data))
		require.NoError(t, err)
		assert.Equal(t, image.Pt(1280, 1600), img.Bounds().Size())
		// A grid cell is about 100×37 pixels; the recorded run has 20
		// pass and 8 crash cells (and a legend entry of each outcome).
		counts := map[string]int{}
		for _, name := range []string{"pass", "crash", "timeout", "build-error", "unavailable"} {
			counts[name] = countColour(img, cssColour(t, name))
		}
		t.Logf("pixels per outcome colour: %v", counts)
		assert.Greater(t, counts["pass"], 20*2500, "pass-green cells")
		assert.Greater(t, counts["crash"], 8*2500, "crash-red cells")
		assert.Greater(t, counts["pass"], counts["crash"], "more pass than crash cells")
		for _, name := range []string{"timeout", "build-error", "unavailable"} {
			assert.Greater(t, counts[name], 2*2500, "%s cells", name)
		}
	})

	t.Run("a grid cell opens its details", func(t *testing.T) {
		assert.Contains(t, page, fmt.Sprintf(`href="#%s"`, anchor), "the grid links to the cell")
		assert.Contains(t, page, fmt.Sprintf(`<details class="cell" id="%s">`, anchor), "closed until opened")
		assert.Contains(t, clicked.Output, fmt.Sprintf(`<details class="cell" id="%s" open="">`, anchor))
		assert.Len(t, regexp.MustCompile(`<details class="cell" [^>]*open=""`).FindAllString(clicked.Output, -1), 1, "only that cell is open")
	})
}
