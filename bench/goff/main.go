// Command goff-bench times GO Feature Flag's own file exporter (exporter/fileexporter, from the Go
// module proxy) writing N deterministic feature events as JSON, CSV and Parquet: one Export call
// with all events per run, each run into a fresh folder, median of several runs. It prints one JSON
// object per format on stdout. bench/goff/run.mjs builds and runs it beside our FileExporter on the
// same events (the generator below is mirrored exactly in run.mjs).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/thomaspoignant/go-feature-flag/exporter"
	"github.com/thomaspoignant/go-feature-flag/exporter/fileexporter"
)

const modulePath = "github.com/thomaspoignant/go-feature-flag"

// makeEvent is event i of the benchmark's fixed sequence (the same spec as makeEvent in run.mjs):
//
//	kind "feature"; contextKind "anonymousUser" when i%7 == 0 else "user"; userKey "user-<i>";
//	creationDate 1700000000; key "flag-<i%20>"; variation "v<i%3>"; default i%50 == 0;
//	version "1"; source "SERVER"; metadata {"env": "prod", "region": "eu-west-1"} when i%10 == 0;
//	value by i%4: 0 → bool i%8 == 0, 1 → string "value-<i%100>", 2 → number i%1000,
//	3 → object {"enabled": true, "id": i%50, "name": "obj-<i%50>"}.
func makeEvent(i int) exporter.FeatureEvent {
	contextKind := "user"
	if i%7 == 0 {
		contextKind = "anonymousUser"
	}
	var value any
	switch i % 4 {
	case 0:
		value = i%8 == 0
	case 1:
		value = "value-" + strconv.Itoa(i%100)
	case 2:
		// Flag values come out of JSON/YAML parsing as float64 in GO Feature Flag.
		value = float64(i % 1000)
	default:
		value = map[string]any{"enabled": true, "id": float64(i % 50), "name": "obj-" + strconv.Itoa(i%50)}
	}
	var metadata exporter.FeatureEventMetadata
	if i%10 == 0 {
		metadata = exporter.FeatureEventMetadata{"env": "prod", "region": "eu-west-1"}
	}
	return exporter.FeatureEvent{
		Kind:         "feature",
		ContextKind:  contextKind,
		UserKey:      "user-" + strconv.Itoa(i),
		CreationDate: 1700000000,
		Key:          "flag-" + strconv.Itoa(i%20),
		Variation:    "v" + strconv.Itoa(i%3),
		Value:        value,
		Default:      i%50 == 0,
		Version:      "1",
		Source:       "SERVER",
		Metadata:     metadata,
	}
}

type result struct {
	Side            string    `json:"side"`
	Format          string    `json:"format"`
	Events          int       `json:"events"`
	Runs            int       `json:"runs"`
	Seconds         []float64 `json:"seconds"`
	MedianSeconds   float64   `json:"medianSeconds"`
	EventsPerSecond float64   `json:"eventsPerSecond"`
	Bytes           int64     `json:"bytes"`
	Module          string    `json:"module"`
	GoVersion       string    `json:"go"`
	GOMAXPROCS      int       `json:"gomaxprocs"`
}

func moduleVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == modulePath {
				return dep.Path + "@" + dep.Version
			}
		}
	}
	return modulePath + "@unknown"
}

// folderBytes adds up the sizes of the files an export left in dir.
func folderBytes(dir string) (int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, entry := range entries {
		info, err := entry.Info()
		if err != nil {
			return 0, err
		}
		total += info.Size()
	}
	return total, nil
}

func median(values []float64) float64 {
	sorted := append([]float64(nil), values...)
	sort.Float64s(sorted)
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// exportOnce runs one timed Export of all events into a fresh folder under root and returns the
// seconds and the bytes written; keepAs, when set, is where the folder is moved afterwards.
func exportOnce(events []exporter.ExportableEvent, format, root string, run int, keepAs string) (float64, int64, error) {
	// A fresh folder per run: their default file name has a one-second timestamp, and two JSON/CSV
	// exports in the same second append to one file.
	dir := filepath.Join(root, fmt.Sprintf("%s-%d", format, run))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, err
	}
	exp := &fileexporter.Exporter{Format: format, OutputDir: dir}
	started := time.Now()
	if err := exp.Export(context.Background(), nil, events); err != nil {
		return 0, 0, fmt.Errorf("%s export: %w", format, err)
	}
	seconds := time.Since(started).Seconds()
	size, err := folderBytes(dir)
	if err != nil {
		return 0, 0, err
	}
	if keepAs != "" {
		return seconds, size, os.Rename(dir, keepAs)
	}
	return seconds, size, os.RemoveAll(dir)
}

// serve answers one line per format name read from stdin with one timed run, as a JSON line, so that
// run.mjs can alternate this side's runs with ours.
func serve(events []exporter.ExportableEvent, root string, encoder *json.Encoder) error {
	base := result{Side: "goff", Events: len(events), Runs: 1, Module: moduleVersion(),
		GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	if err := encoder.Encode(map[string]any{"ready": true, "module": base.Module, "go": base.GoVersion}); err != nil {
		return err
	}
	scanner := bufio.NewScanner(os.Stdin)
	for run := 0; scanner.Scan(); run++ {
		format := strings.TrimSpace(scanner.Text())
		if format == "" {
			continue
		}
		seconds, size, err := exportOnce(events, format, root, run, "")
		if err != nil {
			return err
		}
		res := base
		res.Format, res.Seconds, res.MedianSeconds, res.Bytes = format, []float64{seconds}, seconds, size
		res.EventsPerSecond = float64(len(events)) / seconds
		if err := encoder.Encode(res); err != nil {
			return err
		}
	}
	return scanner.Err()
}

func run() error {
	n := flag.Int("n", 100000, "number of events")
	runs := flag.Int("runs", 3, "timed runs per format (the median is reported)")
	formats := flag.String("formats", "json,csv,parquet", "comma-separated formats")
	out := flag.String("out", "", "folder for the files (default: a temporary folder, removed at the end)")
	keep := flag.Bool("keep", false, "keep the last run's file of each format in <out>/<format>/")
	serveMode := flag.Bool("serve", false, "read format names from stdin, one timed run each")
	flag.Parse()
	if *n < 1 || *runs < 1 {
		return fmt.Errorf("-n and -runs must be at least 1")
	}

	root := *out
	if root == "" {
		dir, err := os.MkdirTemp("", "goff-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		root = dir
	}

	// Built once, outside the timing: the exporter gets the same slice on every run.
	events := make([]exporter.ExportableEvent, *n)
	for i := range events {
		events[i] = makeEvent(i)
	}
	encoder := json.NewEncoder(os.Stdout)
	if *serveMode {
		return serve(events, root, encoder)
	}

	for _, format := range strings.Split(*formats, ",") {
		format = strings.TrimSpace(format)
		res := result{Side: "goff", Format: format, Events: *n, Runs: *runs, Module: moduleVersion(),
			GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
		for r := 0; r < *runs; r++ {
			keepAs := ""
			if *keep && r == *runs-1 {
				keepAs = filepath.Join(root, format)
			}
			seconds, size, err := exportOnce(events, format, root, r, keepAs)
			if err != nil {
				return err
			}
			res.Seconds = append(res.Seconds, seconds)
			res.Bytes = size
		}
		res.MedianSeconds = median(res.Seconds)
		res.EventsPerSecond = float64(*n) / res.MedianSeconds
		if err := encoder.Encode(res); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "goff-bench:", err)
		os.Exit(1)
	}
}
