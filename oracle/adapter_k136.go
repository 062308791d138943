//go:build k8s_1_36

package main

// Kubernetes 1.36: NewKubeGenericRuntimeManager takes an EventRecorderLogger, the memory
// reservation policy and an init container time recorder (pkg/kubelet/kubelet.go's order); the
// CRI client's NewRemoteImageService takes a context and useStreaming.

import (
	"context"
	"path/filepath"
	"time"

	"go.opentelemetry.io/otel/trace/noop"
	v1 "k8s.io/api/core/v1"
	kubetypes "k8s.io/apimachinery/pkg/types"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/flowcontrol"
	internalapi "k8s.io/cri-api/pkg/apis"
	apitest "k8s.io/cri-api/pkg/apis/testing"
	remote "k8s.io/cri-client/pkg"
	"k8s.io/kubernetes/pkg/features"
	kubeletconfig "k8s.io/kubernetes/pkg/kubelet/apis/config"
	"k8s.io/kubernetes/pkg/kubelet/cm"
	kubecontainer "k8s.io/kubernetes/pkg/kubelet/container"
	"k8s.io/kubernetes/pkg/kubelet/kuberuntime"
)

const adapterVersion = "1.36"

func newImageService(ctx context.Context, endpoint string, timeout time.Duration) (internalapi.ImageManagerService, error) {
	return remote.NewRemoteImageService(ctx, endpoint, timeout, nil, utilfeature.DefaultFeatureGate.Enabled(features.CRIListStreaming))
}

type noopInitContainerTimeRecorder struct{}

func (noopInitContainerTimeRecorder) RecordInitContainerStarted(_ kubetypes.UID, _ time.Time)  {}
func (noopInitContainerTimeRecorder) RecordInitContainerFinished(_ kubetypes.UID, _ time.Time) {}

func newRuntimeManager(ctx context.Context, kc *kubeletconfig.KubeletConfiguration, rootDir string, recorder record.EventRecorderLogger, backOff *flowcontrol.Backoff, imageService internalapi.ImageManagerService) (any, error) {
	rt, _, err := kuberuntime.NewKubeGenericRuntimeManager(
		ctx,
		kubecontainer.FilterEventRecorder(recorder),
		nil, nil, nil, // liveness, readiness, startup managers
		rootDir,
		filepath.Join(rootDir, "pod-logs"),
		nil, // machine info
		nil, // pod state provider
		kc.MaxPods,
		nil, // OS interface
		nil, // runtime helper
		nil, // lifecycle HTTP client
		backOff,
		kc.SerializeImagePulls,
		kc.MaxParallelImagePulls,
		float32(kc.RegistryPullQPS),
		int(kc.RegistryBurst),
		kc.ImagePullCredentialsVerificationPolicy,
		kc.PreloadedImagesVerificationAllowlist,
		"", "", // no credential provider plugins
		nil, // singleProcessOOMKill
		kc.CPUCFSQuota,
		kc.CPUCFSQuotaPeriod,
		apitest.NewFakeRuntimeService(),
		imageService,
		cm.NewFakeContainerManager(),
		nil, // container log manager
		nil, // runtime class manager
		false,
		kc.MemorySwap.SwapBehavior,
		func() v1.ResourceList { return v1.ResourceList{} },
		*kc.MemoryThrottlingFactor,
		kc.MemoryReservationPolicy,
		noopPullingTimeRecorder{},
		noop.NewTracerProvider(),
		nil, // token manager
		nil, // service account getter
		noopInitContainerTimeRecorder{},
	)
	return rt, err
}
