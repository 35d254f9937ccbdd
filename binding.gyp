{
  "variables": {
    "ort_include_dir%": "<!(node -p \"process.env.ORT_INCLUDE_DIR || require('path').resolve('node_modules/.cache/native-ner/onnxruntime/usr/include/onnxruntime')\")"
  },
  "targets": [
    {
      "target_name": "native_ner",
      "sources": [
        "<!@(node -p \"require('fs').readdirSync('native/addon').filter(f => f.endsWith('.cc')).map(f => 'native/addon/' + f).join(' ')\")",
        "<!@(node -p \"require('fs').readdirSync('native/core', {recursive: true}).filter(f => f.endsWith('.cc')).map(f => 'native/core/' + f).join(' ')\")"
      ],
      "include_dirs": [
        "<!(node -p \"require('path').dirname(require.resolve('node-addon-api/package.json'))\")",
        "native",
        "<(ort_include_dir)"
      ],
      # NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS as in CMakeLists.txt: no std::terminate while a worker is terminated.
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED",
                  "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      # One set of optimisation flags for every release binary: these (node-gyp: the prebuilds users get) and
      # CMakeLists.txt's CMAKE_CXX_FLAGS_RELEASE (cmake-js: what the tests and the benchmarks run) are both -O3 with
      # frame pointers omitted and NDEBUG, so users run the binary that was measured. -O3 because it is what the
      # benchmarks were measured with; no -O2 measurement showed it to be as fast. cflags_cc come after node's own
      # cflags (-O3 -fno-omit-frame-pointer), so these win. Change both files together.
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O3", "-fomit-frame-pointer"],
      "configurations": {
        "Release": { "defines": ["NDEBUG"] }
      },
      "libraries": ["-ldl", "-lpthread"]
    }
  ]
}
