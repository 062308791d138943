package main

// One kubelet's image path, built by the kubelet's own constructor: kuberuntime's
// NewKubeGenericRuntimeManager makes the image manager (images.NewImageManager with the
// throttle, the serial or parallel puller and the node keyring), and, with
// KubeletEnsureSecretPulledImages on, the pull manager (NewImagePullCredentialVerificationPolicy,
// NewFSPullRecordsAccessor over the root directory, NewCachedPullRecordsAccessor,
// NewImagePullManager). The arguments are those pkg/kubelet/kubelet.go passes, taken from the
// decoded config. The image back-off is flowcontrol.NewBackOff(10s, 300s) as kubelet.go makes it,
// with its Clock set to the fake clock.

import (
	"context"
	"fmt"
	"reflect"
	"time"
	"unsafe"

	kubetypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/flowcontrol"
	kubeletconfig "k8s.io/kubernetes/pkg/kubelet/apis/config"
	"k8s.io/kubernetes/pkg/kubelet/images"
	testingclock "k8s.io/utils/clock/testing"
)

// From pkg/kubelet/kubelet.go: imageBackOffPeriod and MaxImageBackOff.
const (
	imageBackOffPeriod = 10 * time.Second
	maxImageBackOff    = 300 * time.Second
)

type kubelet struct {
	images  images.ImageManager
	backOff *flowcontrol.Backoff
	events  *eventPipe
}

type noopPullingTimeRecorder struct{}

func (noopPullingTimeRecorder) RecordImageStartedPulling(_ kubetypes.UID)  {}
func (noopPullingTimeRecorder) RecordImageFinishedPulling(_ kubetypes.UID) {}

func startKubelet(ctx context.Context, kc *kubeletconfig.KubeletConfiguration, rootDir, nodeName string, clock *testingclock.FakeClock, criEndpoint string) (*kubelet, error) {
	imageService, err := newImageService(ctx, criEndpoint, kc.RuntimeRequestTimeout.Duration)
	if err != nil {
		return nil, fmt.Errorf("connecting to the fake image service: %w", err)
	}
	backOff := flowcontrol.NewBackOff(imageBackOffPeriod, maxImageBackOff)
	backOff.Clock = clock
	events := newEventPipe(nodeName, clock)
	rt, err := newRuntimeManager(ctx, kc, rootDir, events.recorder, backOff, imageService)
	if err != nil {
		events.stop()
		return nil, fmt.Errorf("NewKubeGenericRuntimeManager: %w", err)
	}
	im, err := imagePullerOf(rt)
	if err != nil {
		return nil, err
	}
	if err := throttleOnFakeClock(im, clock); err != nil {
		return nil, fmt.Errorf("putting the registryPullQPS bucket on the fake clock: %w", err)
	}
	return &kubelet{images: im, backOff: backOff, events: events}, nil
}

// imagePullerOf reads the runtime manager's image manager (the unexported field imagePuller
// that startContainer calls EnsureImageExists on).
func imagePullerOf(rt any) (images.ImageManager, error) {
	v := reflect.ValueOf(rt)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("the runtime manager is a %T, not a pointer to a struct", rt)
	}
	f := v.Elem().FieldByName("imagePuller")
	if !f.IsValid() {
		return nil, fmt.Errorf("the runtime manager %T has no field imagePuller", rt)
	}
	im, ok := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(images.ImageManager)
	if !ok || im == nil {
		return nil, fmt.Errorf("the runtime manager's imagePuller is not an images.ImageManager")
	}
	return im, nil
}

// throttleOnFakeClock puts the registryPullQPS token bucket on the fake clock. The image manager
// makes it with flowcontrol.NewTokenBucketRateLimiter (pkg/kubelet/images/helpers.go), which reads
// the real clock; the oracle's time is the fake clock, so the bucket's clock field is set to it
// (the puller's image service -> throttledImageService.limiter -> tokenBucketRateLimiter.clock).
// Without QPS (0) there is no bucket and nothing to do.
func throttleOnFakeClock(im images.ImageManager, clock *testingclock.FakeClock) error {
	v := reflect.ValueOf(im)
	puller := fieldOf(v.Elem(), "puller")
	if !puller.IsValid() {
		return fmt.Errorf("image manager %T: no field puller", im)
	}
	service := fieldOf(puller.Elem().Elem(), "imageService")
	if !service.IsValid() {
		return fmt.Errorf("puller %s: no field imageService", puller.Elem().Type())
	}
	throttled := service.Elem()
	if throttled.Kind() == reflect.Pointer {
		throttled = throttled.Elem()
	}
	if throttled.Kind() != reflect.Struct || throttled.Type().Name() != "throttledImageService" {
		return nil // not throttled (registryPullQPS 0)
	}
	limiter := fieldOf(throttled, "limiter")
	if !limiter.IsValid() || limiter.Elem().Kind() != reflect.Pointer {
		return fmt.Errorf("throttledImageService: no limiter pointer")
	}
	bucket := limiter.Elem().Elem() // tokenBucketRateLimiter
	passive := fieldOf(bucket, "tokenBucketPassiveRateLimiter")
	for _, f := range []reflect.Value{fieldOf(passive, "clock"), fieldOf(bucket, "clock")} {
		if !f.IsValid() {
			return fmt.Errorf("%s: no clock field", bucket.Type())
		}
		if !reflect.TypeOf(clock).AssignableTo(f.Type()) {
			return fmt.Errorf("%s: clock field is a %s", bucket.Type(), f.Type())
		}
		f.Set(reflect.ValueOf(clock))
	}
	return nil
}

// fieldOf returns a settable view of a (possibly unexported) field of an addressable struct.
func fieldOf(v reflect.Value, name string) reflect.Value {
	if !v.IsValid() || v.Kind() != reflect.Struct {
		return reflect.Value{}
	}
	f := v.FieldByName(name)
	if !f.IsValid() || !f.CanAddr() {
		return f
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}
