//go:build !k8s_1_36 && !k8s_1_37

package main

// Kubernetes 1.35: NewKubeGenericRuntimeManager's arguments, in pkg/kubelet/kubelet.go's order.

import (
	"context"
	"path/filepath"
	"time"

	"go.opentelemetry.io/otel/trace/noop"
	v1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/flowcontrol"
	internalapi "k8s.io/cri-api/pkg/apis"
	apitest "k8s.io/cri-api/pkg/apis/testing"
	remote "k8s.io/cri-client/pkg"
	"k8s.io/klog/v2"
	kubeletconfig "k8s.io/kubernetes/pkg/kubelet/apis/config"
	"k8s.io/kubernetes/pkg/kubelet/cm"
	kubecontainer "k8s.io/kubernetes/pkg/kubelet/container"
	"k8s.io/kubernetes/pkg/kubelet/kuberuntime"
)

const adapterVersion = "1.35"

func newImageService(_ context.Context, endpoint string, timeout time.Duration) (internalapi.ImageManagerService, error) {
	logger := klog.Background()
	return remote.NewRemoteImageService(endpoint, timeout, nil, &logger)
}

func newRuntimeManager(ctx context.Context, kc *kubeletconfig.KubeletConfiguration, rootDir string, recorder record.EventRecorderLogger, backOff *flowcontrol.Backoff, imageService internalapi.ImageManagerService) (any, error) {
	containerManager := cm.NewFakeContainerManager()
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
		containerManager,
		nil, // container log manager
		nil, // runtime class manager
		false,
		kc.MemorySwap.SwapBehavior,
		func() v1.ResourceList { return v1.ResourceList{} },
		*kc.MemoryThrottlingFactor,
		noopPullingTimeRecorder{},
		noop.NewTracerProvider(),
		nil, // token manager
		nil, // service account getter
	)
	return rt, err
}
