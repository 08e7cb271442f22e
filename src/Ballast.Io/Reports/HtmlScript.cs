namespace Ballast.Io.Reports;

/// <summary>
/// The report's one inline script (no library, nothing fetched): sortable tables (click a header of a
/// <c>table.sortable</c>; numbers sort by their unformatted value, undefined values last) and highlighting one policy
/// in every chart (click or press Enter on its legend entry, or click one of its lines; again to clear; hovering a
/// legend entry previews it). Without scripts the report reads the same, unsorted and unhighlighted.
/// </summary>
internal static class HtmlScript
{
    /// <summary>The CSS the script's states use.</summary>
    public const string Css = """
        table.sortable th{cursor:pointer;user-select:none}
        table.sortable th[aria-sort=ascending]::after{content:" ▲";font-size:9px}
        table.sortable th[aria-sort=descending]::after{content:" ▼";font-size:9px}
        .legend.lines li{cursor:pointer;border-radius:3px;padding:0 3px}
        .legend.lines li:focus{outline:2px solid #1f77b4}
        .legend.lines li[aria-pressed=true]{background:#eef3fb;font-weight:600}
        body.hl svg.chart [data-series]{opacity:.13}
        body.hl svg.chart [data-series].on{opacity:1;stroke-width:2.8}
        body.hl svg.chart path.marks.on{stroke-width:1.5}
        body.hl tr[data-series].on td{background:#eef3fb}
        """;

    /// <summary>The script, run once the document has loaded (it sits at the end of the body).</summary>
    public const string Script = """
        (function(){
        "use strict";
        function key(td){if(!td)return null;var v=td.getAttribute("data-v");if(v!==null&&v!==""&&!isNaN(+v))return +v;return null;}
        document.querySelectorAll("table.sortable").forEach(function(table){
          var heads=table.tHead?table.tHead.rows[0].cells:[];
          Array.prototype.forEach.call(heads,function(th,col){
            th.title=th.title||"Sort by this column";
            th.addEventListener("click",function(){
              var desc=th.getAttribute("aria-sort")==="ascending";
              Array.prototype.forEach.call(heads,function(h){h.removeAttribute("aria-sort");});
              th.setAttribute("aria-sort",desc?"descending":"ascending");
              var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
              rows.forEach(function(r,i){r._i=i;});
              rows.sort(function(a,b){
                var x=key(a.cells[col]),y=key(b.cells[col]),c;
                if(x===null&&y===null){c=(a.cells[col]?a.cells[col].textContent:"").localeCompare(b.cells[col]?b.cells[col].textContent:"");if(desc)c=-c;}
                else if(x===null)return 1;else if(y===null)return -1;else c=desc?y-x:x-y;
                return c||a._i-b._i;});
              rows.forEach(function(r){body.appendChild(r);});
            });
          });
        });
        var chosen=null;
        function show(s){
          document.body.classList.toggle("hl",s!==null);
          document.querySelectorAll("[data-series]").forEach(function(e){
            var on=e.getAttribute("data-series")===s;
            e.classList.toggle("on",on);
            if(e.tagName==="LI")e.setAttribute("aria-pressed",on&&s===chosen?"true":"false");});
        }
        function choose(s){chosen=chosen===s?null:s;show(chosen);}
        document.querySelectorAll(".legend.lines li[data-series]").forEach(function(li){
          var s=li.getAttribute("data-series");
          li.addEventListener("click",function(){choose(s);});
          li.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();choose(s);}});
          li.addEventListener("mouseenter",function(){if(chosen===null)show(s);});
          li.addEventListener("mouseleave",function(){show(chosen);});
        });
        document.querySelectorAll("svg.chart path[data-series]").forEach(function(p){
          p.addEventListener("click",function(){choose(p.getAttribute("data-series"));});
        });
        })();
        """;
}
