/// The web UI's only JavaScript, inlined where a page needs it; every page reads fully without it.
enum UIScript {
    /// The trace timeline's interaction: drag on the minimap (or `+`, `-`, `0`) to zoom the waterfall
    /// (it sets `--a`, the window's start in percent, and `--w`, its width as a fraction, which the bars'
    /// CSS reads) and relabel the ticks; `j`/`k` move between rows, `Enter` folds a row's children,
    /// `d` opens its detail, `/` goes to the find box.
    static let timeline = """
    (()=>{const w=document.getElementById('waterfall'),t=document.getElementById('ticks'),z=document.getElementById('zoom'),m=document.getElementById('minimap'),D=+t.dataset.duration;let a=0,f=1,s=null;
    const fmt=u=>u<1e3?Math.round(u)+'µs':u<1e6?+(u/1e3).toPrecision(3)+'ms':+(u/1e6).toPrecision(3)+'s';
    function set(na,nf){f=Math.min(1,Math.max(1e-4,nf));a=Math.min(1-f,Math.max(0,na));w.style.setProperty('--a',a*100);w.style.setProperty('--w',f);z.setAttribute('x',a*100+'%');z.setAttribute('width',f*100+'%');[...t.children].forEach((c,i)=>c.textContent=fmt(D*(a+f*i/4)))}
    const at=e=>{const r=m.getBoundingClientRect();return Math.min(1,Math.max(0,(e.clientX-r.left)/r.width))};
    m.addEventListener('pointerdown',e=>{s=at(e);m.setPointerCapture(e.pointerId)});
    m.addEventListener('pointermove',e=>{if(s!==null){const x=at(e);set(Math.min(s,x),Math.abs(x-s))}});
    m.addEventListener('pointerup',e=>{if(s!==null&&Math.abs(at(e)-s)<.005)set(0,1);s=null});
    m.addEventListener('pointercancel',()=>{s=null});
    const rows=[...w.querySelectorAll('.row')];rows.forEach(r=>r.tabIndex=-1);
    document.addEventListener('keydown',e=>{if(e.target.matches('input,select,textarea,button')||e.ctrlKey||e.metaKey||e.altKey)return;
    const i=rows.indexOf(document.activeElement),r=rows[i],step=e.key=='j'?1:-1;
    switch(e.key){case'+':case'=':set(a+f/4,f/2);break;case'-':set(a-f/2,f*2);break;case'0':set(0,1);break;
    case'j':case'k':{let n=i+step;while(rows[n]&&!rows[n].offsetParent)n+=step;if(rows[n])rows[n].focus();break}
    case'Enter':if(!r||r.parentElement.tagName!='SUMMARY')return;r.parentElement.parentElement.open^=1;break;
    case'd':if(!r)return;r.nextElementSibling.open^=1;break;
    case'/':document.querySelector('input[name=find]').focus();break;default:return}e.preventDefault()})})();
    """
}
