import { useId, useRef, useState, type PointerEvent } from 'react';

export interface CompareSliderProps {
  originalUrl: string;
  cutoutUrl: string;
  title: string;
  /** Width over height of the image, so both layers line up before they load. */
  aspectRatio: number;
}

/**
 * Before and after: the original, with the cut-out (on a checkerboard, where it is transparent) laid
 * over it from the divider to the right. The divider follows the range input (keyboard: arrows,
 * Home, End, Page Up/Down) and a pointer dragged across the picture.
 */
export function CompareSlider({ originalUrl, cutoutUrl, title, aspectRatio }: CompareSliderProps) {
  const [position, setPosition] = useState(50);
  const frameRef = useRef<HTMLDivElement | null>(null);
  const sliderId = useId();

  function follow(event: PointerEvent<HTMLDivElement>) {
    const frame = frameRef.current;
    if (!frame || (event.type === 'pointermove' && event.buttons === 0)) return;
    const box = frame.getBoundingClientRect();
    if (box.width === 0) return;
    setPosition(Math.round(Math.min(100, Math.max(0, ((event.clientX - box.left) / box.width) * 100))));
  }

  return (
    <figure className="compare">
      <div
        ref={frameRef}
        className="compare-frame"
        style={{ aspectRatio, width: `min(100%, calc(50vh * ${aspectRatio}))` }}
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          follow(event);
        }}
        onPointerMove={follow}
      >
        <img className="compare-layer" src={originalUrl} alt={`${title}, original`} draggable={false} />
        <div className="compare-layer compare-cutout checkerboard" style={{ clipPath: `inset(0 0 0 ${position}%)` }}>
          <img src={cutoutUrl} alt={`${title}, background removed`} draggable={false} />
        </div>
        <div className="compare-divider" style={{ left: `${position}%` }} aria-hidden="true" />
      </div>
      <label htmlFor={sliderId} className="compare-label">
        Original ← → Background removed
      </label>
      <input
        id={sliderId}
        type="range"
        min={0}
        max={100}
        value={position}
        aria-valuetext={`${position} % original, ${100 - position} % background removed`}
        onChange={(event) => setPosition(Number(event.target.value))}
      />
      <figcaption>Drag across the picture or use the slider to compare.</figcaption>
    </figure>
  );
}
