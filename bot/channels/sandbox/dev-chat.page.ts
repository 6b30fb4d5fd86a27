/** /dev/chat: pick a demo dealer or manager, chat through the sandbox API, and watch pushes arrive. */
export const devChatPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>共生渠道助手 · 开发聊天</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f3f4f6;color:#111}
 header{background:#1f6feb;color:#fff;padding:10px 16px;display:flex;gap:12px;align-items:center}
 header h1{font-size:16px;margin:0;font-weight:600}
 main{display:grid;grid-template-columns:1fr 1fr;gap:12px;padding:12px;height:calc(100vh - 64px);box-sizing:border-box}
 .pane{background:#fff;border-radius:8px;display:flex;flex-direction:column;min-height:0;box-shadow:0 1px 2px #0002}
 .pane h2{font-size:14px;margin:0;padding:8px 12px;border-bottom:1px solid #eee;display:flex;gap:8px;align-items:center}
 .log{flex:1;overflow:auto;padding:12px;display:flex;flex-direction:column;gap:8px}
 .msg{max-width:85%;padding:8px 10px;border-radius:8px;white-space:pre-wrap;line-height:1.45;font-size:14px}
 .me{align-self:flex-end;background:#95ec69}.bot{align-self:flex-start;background:#f0f0f0}
 .push{align-self:flex-start;background:#fff7e6;border:1px solid #ffd591}
 .meta{font-size:11px;color:#888;margin-bottom:2px}
 .q{display:inline-block;border-left:3px solid #ddd;padding-left:6px;color:#444}
 form{display:flex;gap:8px;padding:8px;border-top:1px solid #eee}
 input[type=text]{flex:1;padding:8px;font-size:14px;border:1px solid #ccc;border-radius:6px}
 button{padding:8px 14px;border:0;border-radius:6px;background:#1f6feb;color:#fff;cursor:pointer}
 select{padding:4px}
 label.file{padding:8px 10px;border-radius:6px;background:#eef2ff;color:#1f6feb;cursor:pointer;font-size:13px}
 label.file input{display:none}
</style></head><body>
<header><h1>共生渠道助手 · 开发聊天（沙箱）</h1><span style="font-size:12px;opacity:.85">消息走真实管道：入站表 → 处理 → 发件箱</span></header>
<main>
 <section class="pane" data-side="a"><h2>以 <select></select> 身份</h2><div class="log"></div>
  <form><input type="text" placeholder="例如：n60 30套 下周三" autocomplete="off"><label class="file" title="发送文件（客户经理的 CSV/XLSX 会提交总部导入）">文件<input type="file"></label><button>发送</button></form></section>
 <section class="pane" data-side="b"><h2>以 <select></select> 身份</h2><div class="log"></div>
  <form><input type="text" placeholder="例如：认领 N1001" autocomplete="off"><label class="file" title="发送文件（客户经理的 CSV/XLSX 会提交总部导入）">文件<input type="file"></label><button>发送</button></form></section>
</main>
<script>
// Next to WeCom /sandbox needs the admin token: open /dev/chat#token=<ADMIN_TOKEN> (a fragment never reaches a log).
const auth=location.hash.startsWith('#token=')?{authorization:'Bearer '+decodeURIComponent(location.hash.slice(7))}:{};
const tierName={core:'核心',key:'重点',regular:'普通',silent:'沉默'};
function md(t){const e=t.replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'})[c]);return e.split('\\n').map(l=>l.startsWith('&gt; ')?'<span class="q">'+l.slice(5)+'</span>':l).join('\\n').replace(/\\*\\*([^*]+)\\*\\*/g,'<b>$1</b>')}
function el(cls,text,meta,markdown){const d=document.createElement('div');d.className='msg '+cls;if(meta){const m=document.createElement('div');m.className='meta';m.textContent=meta;d.appendChild(m)}if(markdown){const b=document.createElement('div');b.innerHTML=md(text);d.appendChild(b)}else d.appendChild(document.createTextNode(text));return d}
async function setup(){
 const people=await (await fetch('/sandbox/people',{headers:auth})).json();
 const opts=[...people.dealers.map(d=>[d.code,d.code+' '+d.name+'（'+(tierName[d.tier]||d.tier)+'）']),...people.managers.map(m=>[m.code,m.code+' '+m.name+'（'+(m.role==='regional'?'大区经理':'客户经理')+'）'])];
 document.querySelectorAll('.pane').forEach((pane,i)=>{
  const sel=pane.querySelector('select'),log=pane.querySelector('.log'),form=pane.querySelector('form'),input=form.querySelector('input[type=text]'),picker=form.querySelector('input[type=file]');
  for(const [v,t] of opts){const o=document.createElement('option');o.value=v;o.textContent=t;sel.appendChild(o)}
  if(i===1&&people.dealers[0]){const mgr=people.dealers[0].manager_code;sel.value=mgr}
  let seen=new Set(),first=true;
  async function poll(){try{const r=await (await fetch('/sandbox/outbox?to='+encodeURIComponent(sel.value),{headers:auth})).json();
    for(const m of r.messages){if(seen.has(m.id))continue;seen.add(m.id);if(first||m.kind==='reply')continue;
     log.appendChild(el('push',m.body,'推送 · '+m.kind+' · '+m.route,m.format==='markdown'));log.scrollTop=log.scrollHeight}first=false}catch(e){}}
  sel.onchange=()=>{log.innerHTML='';seen=new Set();first=true;poll();
   // Beside a dealer, show their own account manager.
   if(i===0){const d=people.dealers.find(x=>x.code===sel.value);const other=document.querySelectorAll('.pane select')[1];
    if(d&&other&&other.value!==d.manager_code){other.value=d.manager_code;other.dispatchEvent(new Event('change'))}}};
  async function send(message,shown){if(!sel.value){log.appendChild(el('bot','（请先选择身份）'));return;}
   log.appendChild(el('me',shown));log.scrollTop=log.scrollHeight;
   const r=await fetch('/sandbox/messages',{method:'POST',headers:{...auth,'content-type':'application/json'},body:JSON.stringify({from:sel.value,...message})});
   const j=await r.json().catch(()=>({message:r.statusText}));for(const t of (j.replies||[]))log.appendChild(el('bot',t));if(!r.ok)log.appendChild(el('bot','（'+(j.message||r.status)+'）'));
   log.scrollTop=log.scrollHeight;poll()}
  form.onsubmit=async e=>{e.preventDefault();const text=input.value.trim();if(!text)return;input.value='';await send({text},text)};
  // A file goes as 微信客服 carries one: its name and bytes (base64), fetched by the pipeline like a media id.
  picker.onchange=()=>{const f=picker.files[0];picker.value='';if(!f)return;const rd=new FileReader();
   rd.onload=()=>send({file:{name:f.name,data:String(rd.result).split(',')[1]||''}},'📎 '+f.name);rd.readAsDataURL(f)};
  poll();setInterval(poll,2000);
 });
}
setup();
</script></body></html>`;
