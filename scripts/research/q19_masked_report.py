# AUROCs of q19_masked.cs's columns over the 14 shared data sets, beside a baseline dump of q19_dump.cs (base) and
# the sums of the baseline's score with each column, both standardized by their training rows' median and IQR (b+...).
#   python3 q19_masked_report.py SCORES NAME BASELINE_DIR [weight of the column in the sums, default 1]
import sys, glob, os, statistics as st
def auroc(s, y):
    idx = sorted(range(len(s)), key=lambda i: s[i]); r = [0.0]*len(s); i = 0
    while i < len(idx):
        j = i
        while j + 1 < len(idx) and s[idx[j+1]] == s[idx[i]]: j += 1
        for t in range(i, j+1): r[idx[t]] = (i + j) / 2 + 1
        i = j + 1
    n1 = sum(1 for v in y if v == 1); n0 = len(y) - n1
    return (sum(r[i] for i in range(len(y)) if y[i] == 1) - n1*(n1+1)/2) / (n1*n0)
def load(path):
    lines = [l for l in open(path) if not l.startswith('#')]
    head = [h.strip() for h in lines[0].split('\t')]
    rows = [[float(v) for v in l.split('\t')[:len(head)]] for l in lines[1:]]
    return {h: [r[i] for r in rows] for i, h in enumerate(head) if h in ('y','def','recon','mcm','mcmm','lat','knn')}
def q(v, p):
    v = sorted(v); k = (len(v)-1)*p; f = int(k); c = min(f+1, len(v)-1); return v[f] + (v[c]-v[f])*(k-f)
def z(v, tr):
    med = q(tr, .5); iqr = q(tr, .75) - q(tr, .25); iqr = iqr if iqr > 0 else 1
    return [(a - med)/iqr for a in v]
root, name, base = sys.argv[1], sys.argv[2], sys.argv[3]
w = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
sets = sorted({os.path.basename(p).split('.seed')[0] for p in glob.glob(f'{root}/{name}/*.tsv')})
knn = {'breastw':0.991,'cardio':0.933,'thyroid':0.986,'annthyroid':0.936,'stamps':0.944,'wdbc':0.990,'wpbc':0.589,'lymphography':0.989,'hepatitis':0.818,'fault':0.788,'spambase':0.844,'cardiotocography':0.749,'magic.gamma':0.836,'musk':1.0}
cols = ['base', 'def', 'recon', 'mcm', 'mcmm', 'b+mcm', 'b+mcmm', 'b+def']
tot = {c: [] for c in cols}; kn = []
print('dataset', *cols, 'kNN', sep='\t')
for d in sets:
    res = {c: [] for c in cols}
    for s in range(3):
        p = f'{root}/{name}/{d}.seed{s}.tsv'; b = f'{base}/{d}.seed{s}.tsv'
        if not os.path.exists(p) or not os.path.exists(b): continue
        a = load(p); bb = load(b); y = a['y']
        te = [i for i in range(len(y)) if y[i] >= 0]; tr = [i for i in range(len(y)) if y[i] < 0]
        yt = [y[i] for i in te]
        for c in ['def', 'recon', 'mcm', 'mcmm']: res[c].append(auroc([a[c][i] for i in te], yt))
        res['base'].append(auroc([bb['def'][i] for i in te], yt))
        zb = z(bb['def'], [bb['def'][i] for i in tr])
        for c in ['mcm', 'mcmm', 'def']:
            zc = z(a[c], [a[c][i] for i in tr])
            res['b+' + c].append(auroc([zb[i] + w*zc[i] for i in te], yt))
    if not res['def']: continue
    print(d, *[f'{st.mean(res[c]):.4f}' for c in cols], knn.get(d, ''), sep='\t')
    for c in cols: tot[c].append(st.mean(res[c]))
    kn.append(knn.get(d, 0))
print(f'mean({len(tot["def"])})', *[f'{st.mean(tot[c]):.4f}' for c in cols], f'{st.mean(kn):.4f}', sep='\t')
