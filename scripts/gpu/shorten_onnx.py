import onnx, os, sys
src, dst = sys.argv[1], sys.argv[2]
model = onnx.load(src, load_external_data=False)
graph = model.graph
keep = {i.name for i in graph.input} | {o.name for o in graph.output}
names = {}
def short(name):
    if name == "" or name in keep: return name
    if name not in names: names[name] = f"t{len(names)}"
    return names[name]
def walk(g):
    for node in g.node:
        node.name = ""; node.doc_string = ""
        node.input[:] = [short(n) for n in node.input]
        node.output[:] = [short(n) for n in node.output]
        for a in node.attribute:
            if a.type == onnx.AttributeProto.GRAPH: walk(a.g)
    for t in g.initializer:
        t.name = short(t.name)
        for e in t.external_data:
            if e.key == "location": e.value = "weights.bin"
    for v in list(g.value_info): pass
    del g.value_info[:]
walk(graph)
for v in list(graph.input) + list(graph.output): v.doc_string = ""
del model.metadata_props[:]
graph.doc_string = ""; model.doc_string = ""
model.DiscardUnknownFields()
onnx.save(model, dst)
