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
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O2"],
      "libraries": ["-ldl", "-lpthread"]
    }
  ]
}
