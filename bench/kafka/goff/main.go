// Command goff-kafka-bench times GO Feature Flag's own Kafka exporter (exporter/kafkaexporter, from
// the Go module proxy; IBM/sarama underneath, with the settings it ships) sending N deterministic
// feature events to a real broker. bench/kafka/run.mjs starts it with -serve and sends one line per
// run, "<mode> <topic>", into a topic it created; it answers one JSON line with the seconds taken.
//
//	export:  one Export call with all N events: what a bulk exporter would do (one SendMessages).
//	manager: their exporter Manager, AddEvent per event then Stop: how GO Feature Flag really runs
//	         it (IsBulk() is false, so each AddEvent flushes one SendMessages of one event).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/thomaspoignant/go-feature-flag/exporter"
	"github.com/thomaspoignant/go-feature-flag/exporter/kafkaexporter"
)

const modulePath = "github.com/thomaspoignant/go-feature-flag"

// makeEvent is event i of the benchmark's fixed sequence, as in bench/goff/main.go and
// bench/lib/goff-events.mjs.
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
		value = float64(i % 1000)
	default:
		value = map[string]any{"enabled": true, "id": float64(i % 50), "name": "obj-" + strconv.Itoa(i%50)}
	}
	var metadata exporter.FeatureEventMetadata
	if i%10 == 0 {
		metadata = exporter.FeatureEventMetadata{"env": "prod", "region": "eu-west-1"}
	}
	return exporter.FeatureEvent{
		Kind: "feature", ContextKind: contextKind, UserKey: "user-" + strconv.Itoa(i),
		CreationDate: 1700000000, Key: "flag-" + strconv.Itoa(i%20), Variation: "v" + strconv.Itoa(i%3),
		Value: value, Default: i%50 == 0, Version: "1", Source: "SERVER", Metadata: metadata,
	}
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

func newExporter(brokers []string, topic string) *kafkaexporter.Exporter {
	return &kafkaexporter.Exporter{Format: "json", Settings: kafkaexporter.Settings{Topic: topic, Addresses: brokers}}
}

func runExport(events []exporter.ExportableEvent, brokers []string, topic string) (float64, error) {
	exp := newExporter(brokers, topic)
	started := time.Now()
	if err := exp.Export(context.Background(), nil, events); err != nil {
		return 0, err
	}
	return time.Since(started).Seconds(), nil
}

func runManager(events []exporter.ExportableEvent, brokers []string, topic string, n int) (float64, error) {
	exp := newExporter(brokers, topic)
	manager := exporter.NewManager[exporter.FeatureEvent](
		[]exporter.Config{{Exporter: exp, FlushInterval: time.Minute, MaxEventInMemory: 100000}}, 0, nil)
	manager.Start()
	started := time.Now()
	for i := 0; i < n; i++ {
		manager.AddEvent(events[i].(exporter.FeatureEvent))
	}
	manager.Stop()
	return time.Since(started).Seconds(), nil
}

func run() error {
	n := flag.Int("n", 100000, "events per export run")
	managerN := flag.Int("manager-n", 20000, "events per manager run (one synchronous send each)")
	brokerList := flag.String("brokers", "127.0.0.1:9092", "comma-separated bootstrap brokers")
	flag.Parse()
	brokers := strings.Split(*brokerList, ",")
	events := make([]exporter.ExportableEvent, *n)
	for i := range events {
		events[i] = makeEvent(i)
	}
	encoder := json.NewEncoder(os.Stdout)
	if err := encoder.Encode(map[string]any{"ready": true, "module": moduleVersion(), "go": runtime.Version()}); err != nil {
		return err
	}
	scanner := bufio.NewScanner(os.Stdin)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) != 2 {
			continue
		}
		mode, topic := fields[0], fields[1]
		var seconds float64
		var err error
		count := *n
		switch mode {
		case "export":
			seconds, err = runExport(events, brokers, topic)
		case "manager":
			count = min(*managerN, *n)
			seconds, err = runManager(events, brokers, topic, count)
		default:
			err = fmt.Errorf("unknown mode %q", mode)
		}
		if err != nil {
			return err
		}
		if err := encoder.Encode(map[string]any{"mode": mode, "events": count, "seconds": seconds}); err != nil {
			return err
		}
	}
	return scanner.Err()
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
