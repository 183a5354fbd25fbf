// TEST-ONLY (macOS): a Metal workload of known size, in this process, for the `iokit` backend's
// ground truth (test/iokit.darwin.test.ts).
//
//   new MetalWorkload(bytes: number)   allocates a private MTLBuffer of `bytes` (held until release)
//     .run(gpuMs: number): number      runs a compute kernel in command buffers until the GPU
//                                      reports gpuMs of execution; returns the GPU seconds it
//                                      reported (sum of GPUEndTime - GPUStartTime), blocks
//     .allocatedBytes(): number        Metal's currentAllocatedSize now (the same device)
//     .release(): void                 frees the buffer
// Built without ARC: every object made with new/alloc is released here.
#import <Metal/Metal.h>

#include <string>

#include "napi_setup.h"

namespace llmmon::testing {
namespace {

const char* kKernel = R"(
#include <metal_stdlib>
using namespace metal;
kernel void spin(device float* buf [[buffer(0)]], constant uint& iters [[buffer(1)]],
                 uint id [[thread_position_in_grid]]) {
  float x = buf[id & 1023u];
  for (uint i = 0; i < iters; ++i) x = fma(x, 1.0000001f, 0.0000001f);
  buf[id & 1023u] = x;
}
)";

class MetalWorkload : public Napi::ObjectWrap<MetalWorkload> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "MetalWorkload",
                       {InstanceMethod<&MetalWorkload::Run>("run"),
                        InstanceMethod<&MetalWorkload::Allocated>("allocatedBytes"),
                        InstanceMethod<&MetalWorkload::Release>("release")});
  }

  explicit MetalWorkload(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MetalWorkload>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "bytes must be a number");
    const double bytes = info[0].As<Napi::Number>().DoubleValue();
    @autoreleasepool {
      device_ = MTLCreateSystemDefaultDevice();
      if (device_ == nil) throw Napi::Error::New(env, "MTLCreateSystemDefaultDevice() returned no device");
      NSError* error = nil;
      id<MTLLibrary> library = [device_ newLibraryWithSource:@(kKernel) options:nil error:&error];
      if (library == nil) throw Napi::Error::New(env, std::string("Metal kernel: ") + error.localizedDescription.UTF8String);
      id<MTLFunction> fn = [library newFunctionWithName:@"spin"];
      pipeline_ = [device_ newComputePipelineStateWithFunction:fn error:&error];
      [fn release];
      [library release];
      if (pipeline_ == nil) throw Napi::Error::New(env, std::string("Metal pipeline: ") + error.localizedDescription.UTF8String);
      queue_ = [device_ newCommandQueue];
      scratch_ = [device_ newBufferWithLength:4096 options:MTLResourceStorageModeShared];
      held_ = [device_ newBufferWithLength:NSUInteger(bytes) options:MTLResourceStorageModePrivate];
      if (held_ == nil) throw Napi::Error::New(env, "newBufferWithLength failed");
    }
  }

  ~MetalWorkload() override { Free(); }

 private:
  Napi::Value Run(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "gpuMs must be a number");
    const double want = info[0].As<Napi::Number>().DoubleValue() / 1e3;
    double gpu = 0;
    uint32_t iters = 20000;
    @autoreleasepool {
      while (gpu < want) {
        id<MTLCommandBuffer> cb = [queue_ commandBuffer];
        id<MTLComputeCommandEncoder> enc = [cb computeCommandEncoder];
        [enc setComputePipelineState:pipeline_];
        [enc setBuffer:scratch_ offset:0 atIndex:0];
        [enc setBytes:&iters length:sizeof iters atIndex:1];
        [enc dispatchThreads:MTLSizeMake(1 << 16, 1, 1) threadsPerThreadgroup:MTLSizeMake(64, 1, 1)];
        [enc endEncoding];
        [cb commit];
        [cb waitUntilCompleted];
        const double took = cb.GPUEndTime - cb.GPUStartTime;
        if (cb.status != MTLCommandBufferStatusCompleted || took <= 0)
          throw Napi::Error::New(info.Env(), "Metal command buffer did not complete");
        gpu += took;
        if (took < 0.05 && iters < (1u << 28)) iters *= 2;  // aim for ~50-100 ms per buffer
      }
    }
    return Napi::Number::New(info.Env(), gpu);
  }

  Napi::Value Allocated(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), double(device_ ? device_.currentAllocatedSize : 0));
  }

  Napi::Value Release(const Napi::CallbackInfo& info) {
    Free();
    return info.Env().Undefined();
  }

  void Free() {
    [held_ release];
    held_ = nil;
    [scratch_ release];
    scratch_ = nil;
    [queue_ release];
    queue_ = nil;
    [pipeline_ release];
    pipeline_ = nil;
    [device_ release];
    device_ = nil;
  }

  id<MTLDevice> device_ = nil;
  id<MTLComputePipelineState> pipeline_ = nil;
  id<MTLCommandQueue> queue_ = nil;
  id<MTLBuffer> scratch_ = nil;
  id<MTLBuffer> held_ = nil;
};

}  // namespace

void RegisterMetalWorkload(Napi::Env env, Napi::Object exports) {
  exports.Set("MetalWorkload", MetalWorkload::Define(env));
}

}  // namespace llmmon::testing
