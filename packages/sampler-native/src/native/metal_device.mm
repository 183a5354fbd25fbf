// Objective-C++ half of metal_device.h. Built without ARC: the device is retained by
// MTLCreateSystemDefaultDevice (the Create rule) and released in the destructor.
#import <Metal/Metal.h>

#include "metal_device.h"

namespace llmmon::apple {

std::unique_ptr<MetalDevice> MetalDevice::open(std::string& why_not) {
  @autoreleasepool {
    id<MTLDevice> device = MTLCreateSystemDefaultDevice();
    if (device == nil) {
      why_not = "MTLCreateSystemDefaultDevice() returned no device (no Metal GPU)";
      return nullptr;
    }
    return std::unique_ptr<MetalDevice>(new MetalDevice((void*)device));
  }
}

MetalDevice::MetalDevice(void* device) : device_(device) {
  @autoreleasepool {
    id<MTLDevice> d = (id<MTLDevice>)device_;
    registry_id_ = d.registryID;
    const char* name = d.name.UTF8String;
    name_ = name ? name : "";
  }
}

MetalDevice::~MetalDevice() { [(id<MTLDevice>)device_ release]; }

uint64_t MetalDevice::allocated_bytes() const { return uint64_t([(id<MTLDevice>)device_ currentAllocatedSize]); }

}  // namespace llmmon::apple
