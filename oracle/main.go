// Command pullcheck-oracle answers a JSON sequence of image-path calls with the kubelet's own
// code (see docs/oracle.md): stdin is the input, stdout the result; bad input exits 2.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"k8s.io/klog/v2"
)

// kubeletVersion is the k8s.io/kubernetes module this binary links (from the build info).
func kubeletVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "k8s.io/kubernetes" {
				return d.Version
			}
		}
	}
	return "unknown"
}

func main() {
	os.Exit(mainExit(os.Stdin, os.Stdout, os.Stderr, os.Args[1:]))
}

func mainExit(stdin io.Reader, stdout, stderr io.Writer, args []string) (code int) {
	fs := flag.NewFlagSet("pullcheck-oracle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	version := fs.Bool("version", false, "print the linked kubelet version and exit")
	verbose := fs.Int("v", -1, "kubelet log verbosity on stderr (-1: no logs)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *version {
		fmt.Fprintln(stdout, kubeletVersion())
		return 0
	}
	setupLogs(*verbose, stderr)

	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "pullcheck-oracle: internal error: %v\n", p)
			writeJSON(stdout, map[string]any{"apiVersion": APIVersion, "error": fmt.Sprintf("internal error: %v", p)})
			code = 3
		}
	}()

	data, err := io.ReadAll(stdin)
	if err != nil {
		return fail(stdout, stderr, 2, &InputError{Call: -1, Field: "stdin", What: err.Error()})
	}
	in, ie := decodeInput(data)
	if ie != nil {
		return fail(stdout, stderr, 2, ie)
	}
	out, err := run(in, kubeletVersion())
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return fail(stdout, stderr, 2, ie)
		}
		fmt.Fprintf(stderr, "pullcheck-oracle: %v\n", err)
		writeJSON(stdout, map[string]any{"apiVersion": APIVersion, "error": err.Error()})
		return 1
	}
	writeJSON(stdout, out)
	return 0
}

func fail(stdout, stderr io.Writer, code int, ie *InputError) int {
	fmt.Fprintf(stderr, "pullcheck-oracle: %v\n", ie)
	writeJSON(stdout, map[string]any{"apiVersion": APIVersion, "inputError": ie})
	return code
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// decodeInput decodes strictly (unknown fields are errors), each call on its own so that an
// error names the call's index.
func decodeInput(data []byte) (*Input, *InputError) {
	var top struct {
		Input
		Calls []json.RawMessage `json:"calls"`
	}
	if err := strictDecode(data, &top); err != nil {
		return nil, &InputError{Call: -1, Field: "(document)", What: describeJSONError(data, err)}
	}
	in := top.Input
	in.Calls = make([]Call, len(top.Calls))
	for i, raw := range top.Calls {
		if err := strictDecode(raw, &in.Calls[i]); err != nil {
			return nil, &InputError{Call: i, Field: "(call)", What: describeJSONError(raw, err)}
		}
	}
	return &in, nil
}

func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

// describeJSONError names where in the document decoding failed.
func describeJSONError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("%v (at byte %d)", err, se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q: %s is not a %v", te.Field, te.Value, te.Type)
	}
	return err.Error()
}

func setupLogs(v int, stderr io.Writer) {
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	if v < 0 {
		_ = fs.Set("logtostderr", "false")
		_ = fs.Set("alsologtostderr", "false")
		_ = fs.Set("stderrthreshold", "FATAL")
		klog.SetOutput(io.Discard)
		klog.LogToStderr(false)
		return
	}
	_ = fs.Set("v", fmt.Sprint(v))
	klog.SetOutput(stderr)
}
