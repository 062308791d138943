package main

// Events: the kubelet's recorder (client-go record.EventBroadcaster.NewRecorder with the legacy
// scheme and source component "kubelet", as cmd/kubelet/app/server.go makes it), watched, and
// every event passed through client-go's EventCorrelator (the spam filter and aggregator that
// StartRecordingToSink runs before writing to the API server), on the fake clock.

import (
	"sync"
	"sync/atomic"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/record"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	testingclock "k8s.io/utils/clock/testing"
)

type eventPipe struct {
	broadcaster record.EventBroadcaster
	recorder    *countingRecorder
	correlator  *record.EventCorrelator
	clock       *testingclock.FakeClock

	mu       sync.Mutex
	received int64
	out      []EventOut
}

func newEventPipe(nodeName string, clock *testingclock.FakeClock) *eventPipe {
	p := &eventPipe{clock: clock}
	p.broadcaster = record.NewBroadcaster()
	p.correlator = record.NewEventCorrelatorWithOptions(record.CorrelatorOptions{Clock: clock})
	real := p.broadcaster.NewRecorder(legacyscheme.Scheme, v1.EventSource{Component: "kubelet", Host: nodeName})
	p.recorder = &countingRecorder{inner: real, count: &atomic.Int64{}}
	p.broadcaster.StartEventWatcher(p.observe)
	return p
}

func (p *eventPipe) observe(e *v1.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	// The recorder stamps events with the real clock; the kubelet's would show "now".
	now := metav1.NewTime(p.clock.Now())
	e.FirstTimestamp, e.LastTimestamp = now, now
	result, err := p.correlator.EventCorrelate(e)
	out := EventOut{Pod: e.InvolvedObject.Name, Type: e.Type, Reason: e.Reason, Message: e.Message, Count: 1, FieldPath: e.InvolvedObject.FieldPath}
	switch {
	case err != nil || result == nil:
	case result.Skip:
		// The spam filter said no: recordToSink writes nothing.
		out.Dropped = true
		out.Count = 0
	case result.Event != nil:
		out.Message = result.Event.Message
		out.Count = result.Event.Count
	}
	p.out = append(p.out, out)
	p.received++
}

// take waits until every event recorded so far went through the correlator, then returns them.
func (p *eventPipe) take() []EventOut {
	deadline := time.Now().Add(10 * time.Second)
	for {
		p.mu.Lock()
		done := p.received >= p.recorder.count.Load()
		p.mu.Unlock()
		if done || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.out
	p.out = nil
	if out == nil {
		out = []EventOut{}
	}
	return out
}

func (p *eventPipe) stop() { p.broadcaster.Shutdown() }

// countingRecorder counts the events handed to the real recorder, so that take knows how many
// to wait for.
type countingRecorder struct {
	inner record.EventRecorderLogger
	count *atomic.Int64
}

func (r *countingRecorder) WithLogger(logger klog.Logger) record.EventRecorderLogger {
	return &countingRecorder{inner: r.inner.WithLogger(logger), count: r.count}
}

func (r *countingRecorder) Event(object runtime.Object, eventtype, reason, message string) {
	r.count.Add(1)
	r.inner.Event(object, eventtype, reason, message)
}

func (r *countingRecorder) Eventf(object runtime.Object, eventtype, reason, messageFmt string, args ...interface{}) {
	r.count.Add(1)
	r.inner.Eventf(object, eventtype, reason, messageFmt, args...)
}

func (r *countingRecorder) AnnotatedEventf(object runtime.Object, annotations map[string]string, eventtype, reason, messageFmt string, args ...interface{}) {
	r.count.Add(1)
	r.inner.AnnotatedEventf(object, annotations, eventtype, reason, messageFmt, args...)
}
